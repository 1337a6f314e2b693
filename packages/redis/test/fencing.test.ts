import { AggregateLocks, createRedis, LockLostError, type LockLease, type Redis } from '@oms/redis';
import { TestStack, TEST_REDIS_URL, eventually } from '@oms/testing';

/** A holder's time inside its lock: hold times and expiry are what these tests are about. */
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('lock fencing tokens and the maximum hold time', () => {
  let stack: TestStack;
  let redis: Redis;

  beforeAll(async () => {
    stack = await TestStack.create();
    redis = createRedis(TEST_REDIS_URL, stack.redisPrefix);
  });
  afterAll(async () => {
    await redis.quit();
    await stack.cleanup();
  });

  it('when a lock is taken again and again, then every holder gets a larger fencing token, also after Redis lost the counter', async () => {
    const locks = new AggregateLocks(redis);
    const fences: number[] = [];
    // Taken many times in a row: several takings fall into one millisecond, which ran a millisecond
    // counter ahead of the clock (the token after the loss below was then smaller).
    for (let i = 0; i < 20; i++) await locks.withLock('order:f1', async (lease) => void fences.push(lease.fence('order:f1')));
    // What a Redis restart without its data does to the counter.
    expect(await redis.del('fence:order:f1')).toBe(1);
    for (let i = 0; i < 2; i++) await locks.withLock('order:f1', async (lease) => void fences.push(lease.fence('order:f1')));
    fences.slice(1).forEach((fence, i) => expect(fence).toBeGreaterThan(fences[i]));
    // Never below the clock in microseconds: that is what keeps them growing across a loss of the counter.
    expect(fences[0]).toBeGreaterThan((Date.now() - 60_000) * 1000);
    expect(Number.isSafeInteger(fences[fences.length - 1])).toBe(true);
  });

  it('when a holder lost its lock (it expired while the holder was paused) and someone else took it, then the first holder`s write check refuses', async () => {
    const locks = new AggregateLocks(redis);
    let staleLease: LockLease | undefined;
    let release!: () => void;
    const paused = locks.withLock('order:f2', async (lease) => {
      staleLease = lease;
      await lease.assertHeld(); // still its own: passes
      await new Promise<void>((resolve) => (release = resolve));
      await lease.assertHeld();
    });
    await eventually(() => staleLease);
    // The expiry of a paused holder's lock (its renewals did not run): the key goes away.
    await redis.del('lock:order:f2');
    let successorFence = 0;
    await locks.withLock('order:f2', async (lease) => {
      successorFence = lease.fence('order:f2');
      await lease.assertHeld();
    });
    expect(successorFence).toBeGreaterThan(staleLease!.fence('order:f2'));
    release();
    await expect(paused).rejects.toBeInstanceOf(LockLostError);
  });

  it('when a handler hangs past the maximum hold time, then its lock is no longer renewed, someone else gets it, and the hung holder`s write is refused', async () => {
    const locks = new AggregateLocks(redis, { maxHoldMs: 400 });
    let hungLease: LockLease | undefined;
    let wakeUp!: () => void;
    const hung = locks.withLock(
      'order:f3',
      async (lease) => {
        hungLease = lease;
        await new Promise<void>((resolve) => (wakeUp = resolve));
        await lease.assertHeld();
      },
      { ttlMs: 200 },
    );
    await eventually(() => hungLease);
    const started = Date.now();
    // Without a maximum the hung holder renews for ever and this waits in vain (LockTimeoutError after 3 s).
    await locks.withLock('order:f3', async (lease) => lease.assertHeld(), { ttlMs: 200, waitMs: 3000 });
    const waited = Date.now() - started;
    console.log(`[fencing] the next holder got the hung holder's lock after ${waited} ms (max hold 400 ms, ttl 200 ms)`);
    expect(waited).toBeLessThan(1500);
    wakeUp();
    await expect(hung).rejects.toThrow(/longer than 400 ms: write refused/);
  });

  it('when a slow holder stays within the maximum hold time, then its lock is renewed past its ttl and its writes pass', async () => {
    const locks = new AggregateLocks(redis, { maxHoldMs: 5000 });
    await locks.withLock(
      'order:f4',
      async (lease) => {
        await sleep(500); // 5 ttls
        await lease.assertHeld();
      },
      { ttlMs: 100 },
    );
  });
});
