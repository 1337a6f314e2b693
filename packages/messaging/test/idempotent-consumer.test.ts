import { MongoClient, type Collection } from 'mongodb';
import { buildEnvelope, QueueConsumer, type Broker } from '@oms/messaging';
import { AggregateLocks, createRedis, type Redis } from '@oms/redis';
import { TestStack, TEST_REDIS_URL, eventually } from '@oms/testing';
import { newBroker, RawAmqp } from './helpers';

interface Fulfillment {
  _id: string;
  packs: number;
  processed: string[];
}

describe('duplicate deliveries', () => {
  let stack: TestStack;
  let broker: Broker;
  let raw: RawAmqp;
  let mongo: MongoClient;
  let redis: Redis;
  let fulfillments: Collection<Fulfillment>;
  beforeAll(async () => {
    stack = await TestStack.create();
    broker = newBroker(stack.amqpUrl, 'dedupe-test');
    await broker.connect();
    raw = await RawAmqp.open(stack.amqpUrl);
    mongo = await MongoClient.connect(stack.mongoUrl('dedupe'));
    fulfillments = mongo.db().collection<Fulfillment>('fulfillments');
    redis = createRedis(TEST_REDIS_URL, stack.redisPrefix);
  });
  afterAll(async () => {
    await broker.close();
    await raw.close();
    await mongo.close();
    redis.disconnect();
    await stack.cleanup();
  });

  it('when the same envelope is delivered several times, also concurrently and after a failure that followed the write, then its effect is stored once', async () => {
    const locks = new AggregateLocks(redis);
    await fulfillments.insertOne({ _id: 'f-1', packs: 0, processed: [] });
    let deliveries = 0;
    let failedOnce = false;
    // The handler pattern of the kit: one writer per aggregate (lock), the message id stored in the same
    // update as the effect, and a redelivery recognised by that id.
    const consumer = new QueueConsumer(
      broker,
      'fulfillment.commands',
      {
        'fulfillment.pack.v1': async (m) => {
          deliveries++;
          await locks.withLock(`fulfillment:${m.data.fulfillmentId}`, async () => {
            const doc = await fulfillments.findOne({ _id: m.data.fulfillmentId });
            if (!doc || doc.processed.includes(m.id)) return; // duplicate: already done
            await fulfillments.updateOne({ _id: doc._id }, { $inc: { packs: 1 }, $push: { processed: m.id } });
          });
          // A crash after the write and before the ack: the broker delivers the message again.
          if (m.correlationId === 'crash-after-write' && !failedOnce) {
            failedOnce = true;
            throw new Error('crashed before ack');
          }
        },
      },
      { prefetch: 20, maxAttempts: 4, retryDelaysMs: [50] },
    );
    await consumer.start();

    const envelopes = Array.from({ length: 5 }, (_, i) =>
      buildEnvelope('test', 'fulfillment.pack.v1', { fulfillmentId: 'f-1', actor: 'test' }, { correlationId: `o-${i}` }),
    );
    // Every envelope published three times at once: the copies are handled concurrently (prefetch 20).
    await Promise.all(envelopes.flatMap((e) => [broker.publishEnvelope(e), broker.publishEnvelope(e), broker.publishEnvelope(e)]));
    const crashing = buildEnvelope('test', 'fulfillment.pack.v1', { fulfillmentId: 'f-1', actor: 'test' }, { correlationId: 'crash-after-write' });
    await broker.publishEnvelope(crashing);

    await eventually(() => deliveries === 5 * 3 + 2, 10000, 20);
    await eventually(async () => (await raw.count('fulfillment.commands')) === 0 && (await raw.count('fulfillment.commands.delay.50ms')) === 0, 5000, 20);
    await consumer.stop();

    const doc = await fulfillments.findOne({ _id: 'f-1' });
    expect(doc?.packs).toBe(6); // 5 distinct envelopes + the one that crashed after its write
    expect([...(doc?.processed ?? [])].sort()).toEqual([...envelopes.map((e) => e.id), crashing.id].sort());
    expect(failedOnce).toBe(true);
    expect(await raw.count('fulfillment.commands.dlq')).toBe(0);
  });

  it('when duplicates race to insert an effect keyed by the message id, then the unique _id keeps exactly one', async () => {
    const effects = mongo.db().collection<{ _id: string; fulfillmentId: string }>('pack_effects');
    let duplicatesSkipped = 0;
    const consumer = new QueueConsumer(
      broker,
      'fulfillment.commands',
      {
        'fulfillment.pack.v1': async (m) => {
          try {
            await effects.insertOne({ _id: m.id, fulfillmentId: m.data.fulfillmentId });
          } catch (err) {
            if ((err as { code?: number }).code !== 11000) throw err;
            duplicatesSkipped++; // the effect is already stored: a duplicate delivery
          }
        },
      },
      { prefetch: 20, maxAttempts: 4, retryDelaysMs: [50] },
    );
    await consumer.start();
    const envelope = buildEnvelope('test', 'fulfillment.pack.v1', { fulfillmentId: 'f-2', actor: 'test' }, { correlationId: 'o-2' });
    await Promise.all(Array.from({ length: 10 }, () => broker.publishEnvelope(envelope)));
    await eventually(() => duplicatesSkipped === 9, 10000, 20);
    await consumer.stop();
    expect(await effects.countDocuments({ fulfillmentId: 'f-2' })).toBe(1);
  });
});
