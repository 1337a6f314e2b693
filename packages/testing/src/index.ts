import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { MongoClient } from 'mongodb';
import type { z } from 'zod';
import { startService, type RunningService, type ServiceDefinition } from '@oms/runtime';
import { TEST_AMQP_BASE, TEST_MONGO_BASE, TEST_REDIS_URL } from './addresses';
import { newSharedVhost, rabbitmqctl } from './vhosts';

export { TEST_AMQP_BASE, TEST_MONGO_BASE, TEST_REDIS_URL } from './addresses';

/** A broker other than the shared one (a PrivateRabbitMq) that makes and removes the test's vhost itself. */
export interface VhostHost {
  amqpBase: string;
  addVhost(vhost: string): Promise<void>;
  deleteVhost(vhost: string): Promise<void>;
}

/**
 * An isolated slice of the real stack for one test file: its own RabbitMQ vhost (on the shared broker, or on
 * `broker` when given), its own database name prefix and its own Redis key prefix. `cleanup()` removes all of it.
 */
export class TestStack {
  readonly id = `t${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  readonly amqpUrl: string;
  readonly redisPrefix = `test:${this.id}:`;
  private readonly databases = new Set<string>();
  private readonly services: Array<RunningService<unknown>> = [];

  private constructor(
    readonly vhost: string,
    private readonly broker?: VhostHost,
  ) {
    this.amqpUrl = `${broker?.amqpBase ?? TEST_AMQP_BASE}/${encodeURIComponent(this.vhost)}`;
  }

  static async create(broker?: VhostHost): Promise<TestStack> {
    if (!broker) return new TestStack(await newSharedVhost());
    const stack = new TestStack(`oms-${randomBytes(6).toString('hex')}`, broker);
    await broker.addVhost(stack.vhost);
    return stack;
  }

  mongoUrl(service: string): string {
    const db = `${this.id}_${service.replace(/[^a-z0-9]/gi, '_')}`;
    this.databases.add(db);
    return `${TEST_MONGO_BASE}/${db}`;
  }

  /** Environment for a service under test: port 0, quiet logs, short retry delays. */
  env(service: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    return {
      PORT: '0',
      AMQP_URL: this.amqpUrl,
      MONGO_URL: this.mongoUrl(service),
      REDIS_URL: TEST_REDIS_URL,
      REDIS_KEY_PREFIX: this.redisPrefix,
      LOG_LEVEL: process.env.OMS_TEST_LOG_LEVEL ?? 'silent',
      AMQP_RETRY_DELAYS_MS: '100,200,400',
      AMQP_MAX_ATTEMPTS: '4',
      OUTBOX_SWEEP_MS: '200',
      SHUTDOWN_TIMEOUT_MS: '10000',
      ...extra,
    };
  }

  async start<S extends z.ZodObject>(definition: ServiceDefinition<S>, extra: Record<string, string> = {}): Promise<RunningService<z.infer<S>>> {
    const running = await startService(definition, this.env(definition.name, extra));
    this.services.push(running as RunningService<unknown>);
    return running;
  }

  /** Stop services still running, delete the vhost, drop the databases and the Redis keys. */
  async cleanup(): Promise<void> {
    for (const s of this.services.splice(0)) await s.stop();
    await (this.broker ? this.broker.deleteVhost(this.vhost) : rabbitmqctl('delete_vhost', this.vhost)).catch(() => undefined);
    const client = await MongoClient.connect(TEST_MONGO_BASE);
    try {
      for (const db of this.databases)
        await client
          .db(db)
          .dropDatabase()
          .catch(() => undefined);
    } finally {
      await client.close();
    }
    const redis = new Redis(TEST_REDIS_URL);
    try {
      const keys = await redis.keys(`${this.redisPrefix}*`);
      if (keys.length) await redis.del(...keys);
    } finally {
      redis.disconnect();
    }
  }
}

export { rabbitmqctl } from './vhosts';
export * from './waiting';
export * from './tap';
export * from './bus';
export type { RunningService } from '@oms/runtime';
export * from './fixtures';
export * from './otlp-receiver';
export * from './ports';
export * from './private-server';
export * from './private-rabbitmq';
export * from './barcodes';
export * from './webhook-receiver';
