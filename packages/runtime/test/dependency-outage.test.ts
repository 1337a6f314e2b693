import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import amqp, { type ChannelModel } from 'amqplib';
import { Schema } from 'mongoose';
import request from 'supertest';
import { baseConfigSchema } from '@oms/config';
import { everyMessageOf } from '@oms/messaging';
import { startService, type RunningService, type ServiceDefinition } from '@oms/runtime';
import { PrivateServer, TestStack, eventually, freePort, privateFerretDb } from '@oms/testing';

/**
 * Real outages of a service's own dependencies, on private servers (a redis-server and a FerretDB on ports of
 * their own) so that the shared ones are never touched: while one is down the service takes no messages and
 * says so on /readyz; when it is back the messages are handled, none dead-lettered.
 */
const QUEUE = 'fulfillment.commands';

/** A service with one consumer whose handler needs both Redis (a lock) and the store (an upsert). */
function serviceNeedingBoth(handled: Set<string>): ServiceDefinition<typeof baseConfigSchema> {
  return {
    name: 'outage-test',
    configSchema: baseConfigSchema,
    setup: (ctx) => {
      const Marks = ctx.db.model('Mark', new Schema({ _id: String, n: Number }, { versionKey: false }));
      return {
        consumers: {
          [QUEUE]: everyMessageOf(QUEUE, async (msg) => {
            await ctx.locks.withLock(`mark:${msg.id}`, () => Marks.updateOne({ _id: msg.id }, { $inc: { n: 1 } }, { upsert: true }));
            handled.add(msg.id);
          }),
        },
      };
    },
  };
}

describe('a dependency outage pauses consuming and readiness, and nothing is dead-lettered', () => {
  let stack: TestStack;
  let amqpConn: ChannelModel;
  const dlqCount = async () => {
    const ch = await amqpConn.createChannel();
    try {
      return (await ch.checkQueue(`${QUEUE}.dlq`)).messageCount;
    } finally {
      await ch.close();
    }
  };
  const dirs: string[] = [];

  beforeAll(async () => {
    stack = await TestStack.create();
    amqpConn = await amqp.connect(stack.amqpUrl);
  });
  afterAll(async () => {
    await amqpConn.close();
    await stack.cleanup();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  async function outage(
    name: string,
    server: PrivateServer,
    env: Record<string, string>,
    downMs: number,
  ): Promise<{ service: RunningService<unknown>; handled: Set<string> }> {
    const handled = new Set<string>();
    const service = (await startService(
      serviceNeedingBoth(handled),
      stack.env('outage-test', { DEPENDENCY_CHECK_MS: '200', ...env }),
    )) as RunningService<unknown>;
    const ready = async () => (await request(service.url).get('/readyz')).status === 200;
    const publish = (i: number) =>
      service.ctx.broker.publish('fulfillment.pack.v1', { fulfillmentId: `${name}-${i}`, actor: 'test' }, { correlationId: `${name}-${i}` });
    try {
      const first = await publish(0);
      await eventually(() => handled.has(first.id), 10_000, 50);
      expect(await ready()).toBe(true);

      await server.stop();
      const during = await Promise.all([1, 2, 3, 4, 5].map(publish));
      const readiness = await eventually(
        async () => {
          const res = await request(service.url).get('/readyz');
          return res.status === 503 && res.body.checks.consuming === false && res.body;
        },
        15_000,
        100,
      );
      console.log(`[outage] ${name} down: /readyz 503 with ${JSON.stringify(readiness.checks)}`);
      // Long enough for the old count of quick retries (4 attempts, 100/200/400 ms) to have given up.
      await new Promise((r) => setTimeout(r, downMs));
      expect(during.filter((m) => handled.has(m.id))).toHaveLength(0);
      expect(await dlqCount()).toBe(0);

      const back = Date.now();
      await server.start();
      await eventually(() => during.every((m) => handled.has(m.id)), 30_000, 100);
      await eventually(ready, 10_000, 100);
      console.log(`[outage] ${name} back: all ${during.length} messages handled ${Date.now() - back} ms after the restart`);
      expect(await dlqCount()).toBe(0);
      return { service, handled };
    } finally {
      await service.stop();
    }
  }

  it('when Redis goes down and comes back, then consuming pauses (readiness red), resumes, and every message is handled', async () => {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'oms-outage-redis-'));
    dirs.push(dir);
    const redis = new PrivateServer(port, 'redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir]);
    await redis.start();
    try {
      await outage('redis', redis, { REDIS_URL: `redis://127.0.0.1:${port}` }, 4000);
    } finally {
      await redis.stop();
    }
  });

  it('when the store goes down and comes back, then consuming pauses (readiness red), resumes, and every message is handled', async () => {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'oms-outage-ferretdb-'));
    dirs.push(dir);
    const ferretdb = privateFerretDb(port, dir);
    await ferretdb.start();
    try {
      const db = stack.mongoUrl('outage-test').split('/').pop();
      await outage('store', ferretdb, { MONGO_URL: `mongodb://127.0.0.1:${port}/${db}` }, 12_000);
    } finally {
      await ferretdb.stop();
    }
  });
});
