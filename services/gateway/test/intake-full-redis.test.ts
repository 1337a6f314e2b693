import { spawn, type ChildProcess } from 'node:child_process';
import type { Express } from 'express';
import { register } from 'prom-client';
import request from 'supertest';
import { Redis } from '@oms/redis';
import type { RunningService } from '@oms/runtime';
import { eventually, freePort, rabbitmqctl, sampleOrder, TestStack } from '@oms/testing';
import { definition as ingestion } from '../../ingestion/src/service';
import { definition as gateway } from '../src/service';
import { orderIdOf } from '../src/application/order-intake';
import { gatewayEnv } from './gateway-env';
import { auth, putChannel } from './intake-helpers';

/**
 * A Redis at its maxmemory with noeviction (the test stack's and k8s's policy, docs/redis.md) refuses every
 * write. Intake must then refuse too (503, problem+json, Retry-After), publish nothing, and never lose an
 * order it said 202 to; once there is room again it takes orders as before. A redis-server of the test's own,
 * with a tiny maxmemory, so that filling it concerns nobody else.
 */
const MAXMEMORY = '8mb';

class TinyRedis {
  private written = 0;
  private filling = false;

  private constructor(
    readonly url: string,
    private readonly child: ChildProcess,
    readonly client: Redis,
  ) {}

  static async start(): Promise<TinyRedis> {
    const port = await freePort();
    const args = [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--maxmemory',
      MAXMEMORY,
      '--maxmemory-policy',
      'noeviction',
    ];
    const child = spawn('redis-server', args, { stdio: 'ignore' });
    const client = new Redis(`redis://127.0.0.1:${port}`, { maxRetriesPerRequest: 1, retryStrategy: () => 50 });
    await eventually(async () => (await client.ping().catch(() => undefined)) === 'PONG', 10_000, 50);
    return new TinyRedis(`redis://127.0.0.1:${port}`, child, client);
  }

  /**
   * Write filler until Redis refuses even a small write with OOM. Large values first, then smaller ones: the
   * query buffer of a large write counts as used memory until it is freed, after which small writes fit again.
   */
  async fill(sizes = [64 * 1024, 1024, 64]): Promise<number> {
    for (const size of sizes) {
      const chunk = 'x'.repeat(size);
      for (;;) {
        try {
          await this.client.set(`filler:${this.written}`, chunk);
          this.written++;
        } catch (err) {
          expect((err as Error).message).toMatch(/^OOM/);
          break;
        }
      }
    }
    return this.written;
  }

  /** Keep it full: Redis's own buffers shrink and grow, and a few small writes fit again now and then. */
  keepFull(): () => Promise<void> {
    this.filling = true;
    const loop = (async () => {
      while (this.filling) {
        await this.fill([64]).catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    return async () => {
      this.filling = false;
      await loop;
    };
  }

  async free(): Promise<void> {
    const keys = await this.client.keys('filler:*');
    if (keys.length) await this.client.del(...keys);
  }

  async stop(): Promise<void> {
    this.filling = false;
    this.client.disconnect();
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGKILL');
    await exited;
  }
}

describe('intake while Redis is full', () => {
  let stack: TestStack;
  let redis: TinyRedis;
  let gw: RunningService<unknown>;
  let ing: RunningService<unknown> | undefined;

  beforeAll(async () => {
    stack = await TestStack.create();
    redis = await TinyRedis.start();
    gw = (await stack.start(gateway, gatewayEnv({ REDIS_URL: redis.url, UPSTREAM_TIMEOUT_MS: '2000' }))) as RunningService<unknown>;
    await putChannel(gw.app as Express, 'webshop');
  });
  afterAll(async () => {
    await stack?.cleanup();
    await redis?.stop();
  });

  /** How ingestion's intake queue settled its messages so far, by outcome (the process-wide prom-client registry). */
  const intakeOutcomes = async () => {
    const metric = await register.getSingleMetric('oms_messages_handled_total')?.get();
    const outcomes: Record<string, number> = { retried: 0, dead_lettered: 0 };
    for (const v of metric?.values ?? []) if (v.labels.queue === 'ingestion.order-intake') outcomes[String(v.labels.outcome)] = v.value;
    return outcomes;
  };
  const stored = async (externalId: string) => (ing ? await ing.ctx.db.collection('orders').countDocuments({ channel: 'webshop', externalId }) : 0);

  it('when Redis is full, then intake answers 503 with Retry-After and publishes nothing, an order it accepted before is still stored, and intake recovers once there is room', async () => {
    // Accepted while there was room; ingestion is not running yet, so the order waits in its queue.
    const early = await request(gw.app)
      .post('/v1/orders')
      .set(auth)
      .send(sampleOrder({ externalId: 'FULL-EARLY' }));
    expect(early.status).toBe(202);

    expect(await redis.fill()).toBeGreaterThan(0);
    const stopFilling = redis.keepFull();
    await redis.fill([64]); // topped up right before: no room left that a buffer just freed
    const refused = await request(gw.app)
      .post('/v1/orders')
      .set(auth)
      .send(sampleOrder({ externalId: 'FULL-REFUSED' }));
    expect(refused.status).toBe(503);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.headers['retry-after']).toBeDefined();
    expect(refused.body).toMatchObject({ status: 503 });
    await redis.fill([64]);
    const batch = await request(gw.app)
      .post('/v1/orders/batch')
      .set(auth)
      .send({ orders: [sampleOrder({ externalId: 'FULL-BATCH' })] });
    expect(batch.status).toBe(503);
    expect(batch.headers['retry-after']).toBeDefined();
    await redis.fill([64]);
    const withKey = await request(gw.app)
      .post('/v1/orders')
      .set(auth)
      .set('Idempotency-Key', 'full-redis-1')
      .send(sampleOrder({ externalId: 'FULL-KEYED' }));
    expect(withKey.status).toBe(503);
    expect(withKey.headers['retry-after']).toBeDefined();
    // The gateway stays ready: Redis answers (reads, the channel records and every answer above work); a full
    // Redis is a refusal of writes with Retry-After, not an outage to take the gateway out of its Service for.
    expect((await request(gw.app).get('/readyz')).status).toBe(200);

    // Ingestion comes up while Redis is still full: it cannot take the order's lock, and keeps retrying
    // (an OOM reply is an infrastructure error: retried for a time, not dead-lettered after a few attempts).
    ing = (await stack.start(ingestion, { REDIS_URL: redis.url })) as RunningService<unknown>;
    // More attempts than AMQP_MAX_ATTEMPTS (4 in tests) allows a handler bug. (Should one of its writes slip into
    // room that Redis's buffers freed for a moment, the order is simply stored early: nothing to wait for.)
    await eventually(async () => (await intakeOutcomes()).retried >= 5 || (await stored('FULL-EARLY')) === 1, 20000, 100);
    await stopFilling();
    await redis.free();

    await eventually(async () => (await stored('FULL-EARLY')) === 1, 30000, 200);
    // The refused orders were never published: with the intake queue settled, none of them is stored, and a
    // retry is a new order, not a resend.
    await eventually(
      async () => {
        const out = await rabbitmqctl('list_queues', '-p', stack.vhost, '--no-table-headers', 'name', 'messages');
        return /^ingestion\.order-intake\s+0$/m.test(out);
      },
      15000,
      250,
    );
    expect(await stored('FULL-REFUSED')).toBe(0);
    expect(await stored('FULL-BATCH')).toBe(0);
    expect(await stored('FULL-KEYED')).toBe(0);
    const retried = await request(gw.app)
      .post('/v1/orders')
      .set(auth)
      .send(sampleOrder({ externalId: 'FULL-REFUSED' }));
    expect(retried.status).toBe(202);
    expect(retried.body.id).toBe(orderIdOf('webshop', 'FULL-REFUSED'));
    await eventually(async () => (await stored('FULL-REFUSED')) === 1, 30000, 200);
    expect((await intakeOutcomes()).dead_lettered).toBe(0);
  }, 90000);
});
