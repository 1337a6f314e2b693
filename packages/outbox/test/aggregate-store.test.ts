import amqp, { type Channel, type ChannelModel } from 'amqplib';
import { Schema, type Connection, type Model } from 'mongoose';
import { EVENTS_EXCHANGE, type Envelope } from '@oms/contracts';
import { Refusal } from '@oms/errors';
import { createLogger } from '@oms/logging';
import { Broker, buildEnvelope, validateEnvelope } from '@oms/messaging';
import { connectMongo, mongoose } from '@oms/mongo';
import { aggregateFields, AggregateStore, OutboxRelay, type AggregateDocument } from '@oms/outbox';
import { AggregateLocks, createRedis, type Redis } from '@oms/redis';
import { QueueSettler, TestStack, TEST_REDIS_URL, eventually } from '@oms/testing';

/** AggregateStore against the real broker, store and Redis: one write per change, and no event lost across crashes. */
const logger = createLogger('aggregate-store-test', process.env.OMS_TEST_LOG_LEVEL ?? 'silent');

interface Counter extends AggregateDocument {
  count: number;
}

describe('AggregateStore', () => {
  let stack: TestStack;
  let db: Connection;
  let Counters: Model<Counter>;
  let broker: Broker;
  let redis: Redis;
  let relay: OutboxRelay;
  let store: AggregateStore<Counter>;
  let amqpConn: ChannelModel;
  let ch: Channel;
  /** settle(): every event confirmed so far is in `observed` (store.change returns once its publishes are confirmed). */
  let settler: QueueSettler;
  const observed: Envelope[] = [];
  const writes: string[] = [];
  let n = 0;

  /** A command that names the counter it changes (any message type does; the store never reads its data). */
  const command = (counterId: string) =>
    buildEnvelope('test', 'fulfillment.pack.v1', { fulfillmentId: counterId, actor: 'test' }, { correlationId: counterId, id: `cmd-${++n}` });
  /** Add one and tell partners, as a use case would. */
  const increment = (current: Counter | null) => ({
    ...(current ? { update: { $inc: { count: 1 } } } : { create: { count: 1 } }),
    emit: [
      {
        type: 'order.status-changed.v1' as const,
        data: { orderId: current?._id ?? 'new', from: String(current?.count ?? 0), to: String((current?.count ?? 0) + 1) },
      },
    ],
    result: (current?.count ?? 0) + 1,
  });
  const seen = (correlationId: string) => observed.filter((e) => e.correlationId === correlationId).map((e) => (e.data as { to: string }).to);

  beforeAll(async () => {
    stack = await TestStack.create();
    db = await connectMongo(stack.mongoUrl('aggregates'), logger);
    const schema = new Schema({ _id: String, count: Number }, { versionKey: false });
    schema.plugin(aggregateFields);
    Counters = db.model<Counter>('Counter', schema as Schema);
    await Counters.init();
    mongoose.set('debug', (_collection: string, method: string) => void writes.push(method));
    broker = new Broker({ url: stack.amqpUrl, service: 'aggregate-test', logger });
    await broker.connect();
    redis = createRedis(TEST_REDIS_URL, stack.redisPrefix);
    relay = new OutboxRelay('aggregate-test', broker, new AggregateLocks(redis), logger);
    store = new AggregateStore<Counter>(
      { model: Counters, lockKey: (id) => `counter:${id}`, view: (c) => c.count },
      { locks: new AggregateLocks(redis), redis, relay, logger },
    );
    relay.addSource({ model: Counters, lockKey: (id) => `counter:${id}` });
    amqpConn = await amqp.connect(stack.amqpUrl);
    ch = await amqpConn.createChannel();
    const q = (await ch.assertQueue('', { exclusive: true })).queue;
    await ch.bindQueue(q, EVENTS_EXCHANGE, 'order.status-changed.v1');
    settler = await QueueSettler.bind(ch, q);
    await ch.consume(q, (msg) => msg && !settler.isMarker(msg) && observed.push(validateEnvelope(JSON.parse(msg.content.toString()))), { noAck: true });
  });

  afterAll(async () => {
    mongoose.set('debug', false);
    await amqpConn.close().catch(() => undefined);
    await broker.close();
    await redis.quit();
    await db.close();
    await stack.cleanup();
  });

  it('when a change is applied, then its fields, its message id and its events are stored in one write and the events published once', async () => {
    writes.splice(0);
    expect(await store.change('c-1', command('c-1'), increment)).toBe(1);
    writes.splice(0);
    expect(await store.change('c-1', command('c-1'), increment)).toBe(2);
    expect(writes.filter((w) => /^(insert|update|delete|replace|findOneAnd)/.test(w))).toEqual(['updateOne']);
    await eventually(() => seen('c-1').length === 2);
    expect(seen('c-1')).toEqual(['1', '2']);
    const stored = await Counters.findById('c-1').lean();
    expect(stored).toMatchObject({ count: 2, processed: [expect.any(String), expect.any(String)] });
    expect(stored?.outbox ?? []).toEqual([]);
    expect(stored?.sent).toHaveLength(1);
  });

  it('when the same message arrives again, then nothing changes and the answer is the aggregate as it is', async () => {
    const msg = command('c-2');
    await store.change('c-2', msg, increment);
    expect(await store.change('c-2', msg, increment)).toBe(1);
    expect((await Counters.findById('c-2').lean())?.count).toBe(1);
    await eventually(() => seen('c-2').length === 1);
  });

  it('when a holder died after its write and before its publish, and another message reaches the aggregate first, then the next change publishes the lost events too', async () => {
    // What a handler killed between its write and its publish leaves: the change stored, its events in `sent`, no record of their confirmation.
    const lost = relay.entry('order.status-changed.v1', { orderId: 'c-3', from: '0', to: '1' }, { correlationId: 'c-3', id: 'lost-event' });
    await Counters.create({ _id: 'c-3', count: 1, processed: ['crashed-cmd'], sent: [lost], sentBy: 'crashed-cmd' });
    await store.change('c-3', command('c-3'), increment);
    await eventually(() => seen('c-3').length === 2);
    expect(observed.filter((e) => e.correlationId === 'c-3').map((e) => e.id)[0]).toBe('lost-event');
    // The crashed command, redelivered now, finds its events published (by the change above) and sends nothing.
    const redelivered = { ...command('c-3'), id: 'crashed-cmd' };
    expect(await store.change('c-3', redelivered, increment)).toBe(2);
    await settler.settle();
    expect(seen('c-3')).toEqual(['1', '2']);
  });

  it('when the crashed message itself is redelivered first, then it publishes its stored events and changes nothing twice', async () => {
    const lost = relay.entry('order.status-changed.v1', { orderId: 'c-4', from: '0', to: '1' }, { correlationId: 'c-4' });
    await Counters.create({ _id: 'c-4', count: 1, processed: ['crashed-cmd-4'], sent: [lost], sentBy: 'crashed-cmd-4' });
    expect(await store.change('c-4', { ...command('c-4'), id: 'crashed-cmd-4' }, increment)).toBe(1);
    await eventually(() => seen('c-4').length === 1);
    expect((await Counters.findById('c-4').lean())?.count).toBe(1);
  });

  it('when a stored event has an optional field left undefined, then it is still published after a crash (stored without it, not as null)', async () => {
    const lost = relay.entry('order.status-changed.v1', { orderId: 'c-undefined', from: '0', to: '1', reason: undefined }, { correlationId: 'c-undefined' });
    expect(Object.keys(lost.data as object)).toEqual(['orderId', 'from', 'to']);
    await Counters.create({ _id: 'c-undefined', count: 1, processed: ['crashed-cmd-undefined'], sent: [lost], sentBy: 'crashed-cmd-undefined' });
    expect(await store.change('c-undefined', { ...command('c-undefined'), id: 'crashed-cmd-undefined' }, increment)).toBe(1);
    await eventually(() => seen('c-undefined').length === 1);
  });

  it('when the decision refuses, then nothing is stored and the refusal reaches the caller', async () => {
    await store.change('c-5', command('c-5'), increment);
    await expect(
      store.change('c-5', command('c-5'), () => {
        throw new Refusal('conflict', 'not now');
      }),
    ).rejects.toMatchObject({ status: 409, detail: 'not now' });
    expect((await Counters.findById('c-5').lean())?.processed).toHaveLength(1);
  });

  it('when the broker refuses the publish, then the events wait in the durable outbox and the sweep publishes them', async () => {
    const down = new Broker({ url: stack.amqpUrl, service: 'aggregate-test-down', logger });
    await down.connect();
    const downRedis = createRedis(TEST_REDIS_URL, stack.redisPrefix);
    const downRelay = new OutboxRelay('aggregate-test', down, new AggregateLocks(downRedis), logger);
    const downStore = new AggregateStore<Counter>(
      { model: Counters, lockKey: (id) => `counter:${id}` },
      { locks: new AggregateLocks(downRedis), redis: downRedis, relay: downRelay, logger },
    );
    const msg = command('c-6');
    await down.close();
    await downStore.change('c-6', msg, increment);
    await downRedis.quit();
    const stored = await Counters.findById('c-6').lean();
    expect(stored).toMatchObject({ count: 1, sent: [], outboxPending: true });
    expect(stored?.outbox).toHaveLength(1);
    await relay.sweep();
    await eventually(() => seen('c-6').length === 1);
    expect((await Counters.findById('c-6').lean())?.outbox).toEqual([]);
  });

  it('when 30 changes hit one aggregate at once, then every one is applied (one writer at a time) and every event is published', async () => {
    await store.change('c-7', command('c-7'), increment);
    await Promise.all(Array.from({ length: 30 }, () => store.change('c-7', command('c-7'), increment)));
    expect((await Counters.findById('c-7').lean())?.count).toBe(31);
    await eventually(() => seen('c-7').length === 31, 10000);
    expect(new Set(seen('c-7')).size).toBe(31);
  });
});
