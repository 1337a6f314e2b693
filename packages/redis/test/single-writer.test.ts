import { MongoClient, type Collection } from 'mongodb';
import { AggregateLocks, createRedis, LockTimeoutError, type Redis } from '@oms/redis';
import { TestStack, TEST_REDIS_URL, eventually } from '@oms/testing';

/** A holder's time inside its lock: lock ttls and renewal are what these tests are about, so their scenarios are made of durations. */
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Order {
  _id: string;
  status: string;
  timeline: Array<{ at: string; what: string }>;
}

const WRITERS = 50;

describe('one writer per aggregate', () => {
  let stack: TestStack;
  let mongo: MongoClient;
  let orders: Collection<Order>;
  let redis: Redis;
  let locks: AggregateLocks;
  let isFerretDb = false;

  beforeAll(async () => {
    stack = await TestStack.create();
    mongo = await MongoClient.connect(stack.mongoUrl('locks'), { maxPoolSize: 60 });
    orders = mongo.db().collection<Order>('orders');
    const buildInfo = await mongo.db('admin').command({ buildInfo: 1 });
    isFerretDb = JSON.stringify(buildInfo).toLowerCase().includes('ferretdb');
    redis = createRedis(TEST_REDIS_URL, stack.redisPrefix);
    locks = new AggregateLocks(redis);
  });
  afterAll(async () => {
    await mongo.close();
    await redis.quit();
    await stack.cleanup();
  });

  /** A realistic state-machine write: read the order, decide in the app, write the whole timeline back. */
  async function appendToTimeline(orderId: string, what: string): Promise<void> {
    const order = await orders.findOne({ _id: orderId });
    if (!order) throw new Error(`no order ${orderId}`);
    const timeline = [...order.timeline, { at: new Date().toISOString(), what }];
    await orders.updateOne({ _id: orderId }, { $set: { timeline, status: what } });
  }

  /** Until someone holds the lock of `key` (taken by a withLock started just before). */
  const held = (key: string) => eventually(async () => (await redis.exists(`lock:${key}`)) === 1, 2000, 5);

  async function fireConcurrently(orderId: string, write: (what: string) => Promise<void>): Promise<Set<string>> {
    await orders.insertOne({ _id: orderId, status: 'new', timeline: [] });
    await Promise.all(Array.from({ length: WRITERS }, (_, i) => write(`step-${i}`)));
    const order = await orders.findOne({ _id: orderId });
    return new Set(order?.timeline.map((t) => t.what));
  }

  it('when 50 handlers change one order at once without the lock, then updates are lost', async () => {
    const survived = await fireConcurrently('o-unlocked', (what) => appendToTimeline('o-unlocked', what));
    console.log(`[single-writer] without lock: ${survived.size} of ${WRITERS} timeline entries survived (server: ${isFerretDb ? 'FerretDB' : 'MongoDB'})`);
    // Read-modify-write loses updates on any store; on FerretDB it does every time at this concurrency.
    if (isFerretDb) expect(survived.size).toBeLessThan(WRITERS);
    expect(survived.size).toBeGreaterThanOrEqual(1);
  });

  it('when 50 handlers change one order at once under AggregateLocks.withLock, then all 50 changes are applied', async () => {
    const survived = await fireConcurrently('o-locked', (what) => locks.withLock('order:o-locked', () => appendToTimeline('o-locked', what)));
    expect(survived.size).toBe(WRITERS);
    expect(await redis.exists('lock:order:o-locked')).toBe(0); // released
  });

  it('when the holder of a lock dies without releasing it, then the lock expires after its ttl and the next writer gets it', async () => {
    // A holder that "dies": takes the lock directly the way AggregateLocks does and never releases it.
    await redis.set('lock:order:o-dead', 'dead-holder-token', 'PX', 300, 'NX');
    await expect(locks.withLock('order:o-dead', async () => 'never', { waitMs: 100 })).rejects.toBeInstanceOf(LockTimeoutError);
    const started = Date.now();
    const got = await locks.withLock('order:o-dead', async () => 'mine', { waitMs: 2000 });
    expect(got).toBe('mine');
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('when a holder runs longer than its ttl, then its lock is renewed and nobody else gets in meanwhile', async () => {
    const slow = locks.withLock('order:o-renewed', () => sleep(400), { ttlMs: 100 }); // inside four times its ttl
    await held('order:o-renewed');
    await expect(locks.withLock('order:o-renewed', async () => 'intruder', { waitMs: 250 })).rejects.toBeInstanceOf(LockTimeoutError);
    await slow;
    expect(await redis.exists('lock:order:o-renewed')).toBe(0);
  });

  it('when a holder loses its lock anyway (it expired, e.g. after a long pause), then its release does not delete the lock now held by someone else', async () => {
    let secondInside = false;
    const first = locks.withLock(
      'order:o-slow',
      async () => {
        await sleep(250); // a long pause inside the lock
      },
      { ttlMs: 100 },
    );
    await held('order:o-slow');
    await redis.del('lock:order:o-slow'); // as if it had expired under the first holder
    await sleep(100); // the first holder carries on, its lock gone, for a while before the second comes
    const second = locks.withLock(
      'order:o-slow',
      async () => {
        secondInside = true;
        await sleep(300); // still inside when the first holder finishes and "releases"
        return redis.get('lock:order:o-slow');
      },
      { ttlMs: 5000 },
    );
    await first;
    expect(secondInside).toBe(true);
    const tokenSeenBySecond = await redis.get('lock:order:o-slow');
    expect(tokenSeenBySecond).not.toBeNull(); // the first holder's release left the second's lock alone
    expect(await second).toBe(tokenSeenBySecond);
    expect(await redis.exists('lock:order:o-slow')).toBe(0); // and the second released its own
  });

  it('when two callers take overlapping lock sets in opposite orders, then both finish (keys are taken sorted, no deadlock)', async () => {
    const order: string[] = [];
    const hold = (name: string, keys: string[]) =>
      locks.withLocks(
        keys,
        async () => {
          order.push(`${name} in`);
          await sleep(100); // held long enough for the other caller to try its keys meanwhile
          order.push(`${name} out`);
        },
        { waitMs: 3000 },
      );
    // Started in the same tick, many times over: with unsorted acquisition one would hold a and wait for b
    // while the other holds b and waits for a, until both time out.
    for (let round = 0; round < 5; round++) {
      order.splice(0);
      await Promise.all([hold('ab', [`sku:a${round}`, `sku:b${round}`]), hold('ba', [`sku:b${round}`, `sku:a${round}`])]);
      expect(order).toHaveLength(4);
      // Never inside at the same time: each one's "out" comes right after its "in".
      expect(order[1]).toBe(order[0].replace('in', 'out'));
    }
  });
});
