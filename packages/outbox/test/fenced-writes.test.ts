import { Schema, type Connection, type Model } from 'mongoose';
import { createLogger } from '@oms/logging';
import { Broker, buildEnvelope } from '@oms/messaging';
import { connectMongo } from '@oms/mongo';
import { aggregateFields, AggregateStore, OutboxRelay, type AggregateDocument } from '@oms/outbox';
import { AggregateLocks, createRedis, LockLostError, type Redis } from '@oms/redis';
import { TestStack, TEST_REDIS_URL, eventually } from '@oms/testing';

/** AggregateStore's writes carry the lock's fencing token: a holder whose lock was taken over writes nothing. */
const logger = createLogger('fenced-writes-test', process.env.OMS_TEST_LOG_LEVEL ?? 'silent');

interface Tally extends AggregateDocument {
  entries: string[];
}

describe('AggregateStore: fenced writes', () => {
  let stack: TestStack;
  let db: Connection;
  let Tallies: Model<Tally>;
  let broker: Broker;
  let redis: Redis;
  let n = 0;

  const command = (id: string) => buildEnvelope('test', 'fulfillment.pack.v1', { fulfillmentId: id, actor: 'test' }, { correlationId: id, id: `cmd-${++n}` });
  const storeWith = (locks: AggregateLocks, lockTtlMs?: number) =>
    new AggregateStore<Tally>(
      { model: Tallies, lockKey: (id) => `tally:${id}`, lockTtlMs },
      { locks, redis, relay: new OutboxRelay('fenced-test', broker, locks, logger), logger },
    );
  const append = (what: string) => (current: Tally | null) => (current ? { update: { $push: { entries: what } } } : { create: { entries: [what] } });

  beforeAll(async () => {
    stack = await TestStack.create();
    db = await connectMongo(stack.mongoUrl('fenced'), logger);
    const schema = new Schema({ _id: String, entries: [String] }, { versionKey: false });
    schema.plugin(aggregateFields);
    Tallies = db.model<Tally>('Tally', schema as Schema);
    await Tallies.init();
    broker = new Broker({ url: stack.amqpUrl, service: 'fenced-test', logger });
    await broker.connect();
    redis = createRedis(TEST_REDIS_URL, stack.redisPrefix);
  });
  afterAll(async () => {
    await broker.close();
    await redis.quit();
    await db.close();
    await stack.cleanup();
  });

  it('when a handler hangs past the maximum hold time and another change goes through meanwhile, then the hung handler`s write is refused and only the other change is stored', async () => {
    const store = storeWith(new AggregateLocks(redis, { maxHoldMs: 300 }), 200);
    await store.change('t-1', command('t-1'), append('first'));
    let decided = false;
    let wakeUp!: () => void;
    const hung = store.change('t-1', command('t-1'), async (current) => {
      decided = true;
      await new Promise<void>((resolve) => (wakeUp = resolve)); // a store call that hangs, say
      return append('from-the-hung-handler')(current);
    });
    await eventually(() => decided);
    // Gets the lock once the hung holder's renewal stopped (max hold) and its lock expired (ttl).
    await store.change('t-1', command('t-1'), append('successor'));
    wakeUp();
    await expect(hung).rejects.toBeInstanceOf(LockLostError);
    expect((await Tallies.findById('t-1').lean())?.entries).toEqual(['first', 'successor']);
  });

  it('when the stored aggregate was written by a holder with a larger fencing token, then the update filter refuses a smaller one (compare-and-set on MongoDB, a guard on FerretDB)', async () => {
    const store = storeWith(new AggregateLocks(redis));
    await store.change('t-2', command('t-2'), append('first'));
    const { fence } = (await Tallies.findById('t-2').lean())!;
    expect(typeof fence).toBe('number');
    // A later holder's write, as a lock taken after ours would leave it (its token beyond any we get now).
    await Tallies.updateOne({ _id: 't-2' }, { $set: { fence: fence! + 10 ** 12 } });
    await expect(store.change('t-2', command('t-2'), append('stale'))).rejects.toBeInstanceOf(LockLostError);
    expect((await Tallies.findById('t-2').lean())?.entries).toEqual(['first']);
  });
});
