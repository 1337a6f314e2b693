import request from 'supertest';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { TestStack, type RunningService } from '@oms/testing';
import { definition } from '../src/service';
import { gatewayEnv, TEST_BOOTSTRAP_KEY } from './gateway-env';
import type { GatewayConfig } from '../src/config';
import { LeasedLimiter, leaseSize } from '../src/entry-points/http/rate-limit';

const BOOTSTRAP = TEST_BOOTSTRAP_KEY;
const ops = { Authorization: `Bearer ${BOOTSTRAP}` };
const env = gatewayEnv({ RATE_LIMIT_PER_SECOND: '2', RATE_LIMIT_BURST: '0' });
/** The rate-limit window is what is tested: these waits are the window passing, not waits for a condition. */
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('rate limits per API key', () => {
  let stack: TestStack;
  let gateway: RunningService<GatewayConfig>;

  beforeAll(async () => {
    stack = await TestStack.create();
    gateway = await stack.start(definition, env);
  });
  afterAll(async () => stack?.cleanup());

  it('when a key exceeds its rate, then 429 problem with Retry-After, other keys are unaffected, and it recovers after the wait', async () => {
    const created = await request(gateway.app)
      .post('/v1/api-keys')
      .set(ops)
      .send({ name: 'partner', roles: ['partner:dhl-3pl'] });
    expect(created.status).toBe(201);
    await pause(1100); // a fresh window for the bootstrap key

    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await request(gateway.app).get('/v1/api-keys').set(ops));
    expect(answers.slice(0, 2).map((r) => r.status)).toEqual([200, 200]);
    expect(answers[0].headers['ratelimit-limit']).toBe('2');
    expect(answers[0].headers['ratelimit-remaining']).toBe('1');
    const limited = answers[2];
    expect(limited.status).toBe(429);
    expect(limited.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(limited.body).toMatchObject({ status: 429, title: 'Too Many Requests' });
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(2);
    expect(answers[3].status).toBe(429);

    // Each key has its own budget: the partner key is not throttled by the bootstrap key's traffic.
    const partner = await request(gateway.app)
      .get('/v1/api-keys')
      .set({ Authorization: `Bearer ${created.body.key}` });
    expect(partner.status).toBe(403);

    await pause(retryAfter * 1000 + 100);
    expect((await request(gateway.app).get('/v1/api-keys').set(ops)).status).toBe(200);
  });

  it('when Redis cannot be reached, then requests are let through (fail open) instead of 5xx', async () => {
    const noRedis = await stack.start(definition, { ...env, REDIS_URL: 'redis://127.0.0.1:1' });
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push((await request(noRedis.app).get('/v1/api-keys').set(ops)).status);
    expect(answers).toEqual([200, 200, 200, 200]);
    noRedis.ctx.redis.disconnect(); // stop its reconnect loop now rather than at the stack's cleanup
  });

  it('when two gateway instances take leases from one shared budget under concurrency, then together they grant the whole rate and not one request more', async () => {
    const perSecond = 1000;
    const size = leaseSize(perSecond);
    expect(size).toBe(10);
    const shared = () =>
      new RateLimiterRedis({ storeClient: gateway.ctx.redis, useRedisPackage: false, keyPrefix: 'lease-test', points: perSecond, duration: 5 });
    const instances = [new LeasedLimiter(shared(), size, perSecond), new LeasedLimiter(shared(), size, perSecond)];
    const key = `key-${Date.now()}`;
    const outcomes = await Promise.allSettled(Array.from({ length: 1300 }, (_, i) => instances[i % 2].consume(key)));
    const granted = outcomes.filter((o) => o.status === 'fulfilled').length;
    const refused = outcomes.filter((o) => o.status === 'rejected');
    expect(granted).toBe(perSecond);
    expect(refused).toHaveLength(300);
    for (const r of refused) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(RateLimiterRes);
    const last = outcomes.filter((o) => o.status === 'fulfilled').map((o) => (o as PromiseFulfilledResult<RateLimiterRes>).value);
    expect(Math.min(...last.map((r) => r.remainingPoints))).toBeGreaterThanOrEqual(0);
  });
});
