import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import amqp, { type Channel, type ChannelModel } from 'amqplib';
import { Schema, type Connection, type Model } from 'mongoose';
import { register } from 'prom-client';
import { EVENTS_EXCHANGE, type Envelope } from '@oms/contracts';
import { createLogger } from '@oms/logging';
import { Broker, validateEnvelope } from '@oms/messaging';
import { connectMongo } from '@oms/mongo';
import { OutboxRelay, outboxPendingMarker, type OutboxSource } from '@oms/outbox';
import { AggregateLocks, createRedis, type Redis } from '@oms/redis';
import { QueueSettler, TestStack, TEST_REDIS_URL, eventually } from '@oms/testing';

const logger = createLogger('outbox-test', process.env.OMS_TEST_LOG_LEVEL ?? 'silent');

interface Order {
  _id: string;
  status: string;
  outbox: Envelope[];
}

/** One running "service instance": its own broker connection, Redis client and relay over the same data. */
interface Instance {
  broker: Broker;
  redis: Redis;
  relay: OutboxRelay;
}

describe('outbox relay', () => {
  let stack: TestStack;
  let db: Connection;
  let Orders: Model<Order>;
  let source: OutboxSource;
  let amqpConn: ChannelModel;
  let ch: Channel;
  let observeQueue: string;
  /** `settled()`: every event confirmed so far is in `observed` (a relay's sweep returns once its publishes are confirmed). */
  let settler: QueueSettler;
  const settled = () => settler.settle();
  const observed: Envelope[] = [];
  const instances: Instance[] = [];

  async function startInstance(name: string): Promise<Instance> {
    const broker = new Broker({ url: stack.amqpUrl, service: name, logger });
    await broker.connect();
    const redis = createRedis(TEST_REDIS_URL, stack.redisPrefix);
    const relay = new OutboxRelay(name, broker, new AggregateLocks(redis), logger, [source]);
    const instance = { broker, redis, relay };
    instances.push(instance);
    return instance;
  }

  async function crash(instance: Instance): Promise<void> {
    await instance.broker.close();
    await instance.redis.quit().catch(() => instance.redis.disconnect());
  }

  /** Store orders with events in their outbox, as a handler does in its one write, and never flush. */
  async function storeWithoutPublishing(writer: OutboxRelay, ids: string[], eventsEach: number): Promise<string[]> {
    const eventIds: string[] = [];
    for (const orderId of ids) {
      const outbox = Array.from({ length: eventsEach }, (_, i) =>
        writer.entry('order.status-changed.v1', { orderId, from: `s${i}`, to: `s${i + 1}` }, { correlationId: orderId }),
      );
      eventIds.push(...outbox.map((e) => e.id));
      await Orders.create({ _id: orderId, status: `s${eventsEach}`, outbox });
    }
    return eventIds;
  }

  const seenIds = () => observed.map((e) => e.id);

  beforeAll(async () => {
    stack = await TestStack.create();
    db = await connectMongo(stack.mongoUrl('outbox'), logger);
    // Untyped schema: a Mixed array does not fit mongoose's schema typing of Envelope[]; the model is typed.
    const schema = new Schema({ _id: String, status: String, outbox: { type: [Schema.Types.Mixed], default: [] } }, { versionKey: false });
    schema.plugin(outboxPendingMarker);
    Orders = db.model<Order>('Order', schema as Schema);
    source = { model: Orders, lockKey: (id) => `order:${id}` };
    amqpConn = await amqp.connect(stack.amqpUrl);
    ch = await amqpConn.createChannel();
    await ch.assertExchange(EVENTS_EXCHANGE, 'topic', { durable: true });
    observeQueue = (await ch.assertQueue('', { exclusive: true })).queue;
    await ch.bindQueue(observeQueue, EVENTS_EXCHANGE, 'order.status-changed.v1');
    settler = await QueueSettler.bind(ch, observeQueue);
    await ch.consume(observeQueue, (msg) => msg && !settler.isMarker(msg) && observed.push(validateEnvelope(JSON.parse(msg.content.toString()))), {
      noAck: true,
    });
  });

  beforeEach(() => void observed.splice(0));

  afterAll(async () => {
    for (const i of instances) await crash(i);
    await amqpConn.close().catch(() => undefined);
    await db.close();
    await stack.cleanup();
  });

  it('when a service stored a change but was killed before publishing, then a new relay publishes the event once after restart, and a second sweep publishes nothing', async () => {
    const before = await startInstance('svc-before-crash');
    const eventIds = await storeWithoutPublishing(before.relay, ['o-1', 'o-2', 'o-3'], 2);
    await crash(before); // nothing was published
    await settled();
    expect(observed).toHaveLength(0);

    const after = await startInstance('svc-after-restart');
    await after.relay.sweep();
    await eventually(() => observed.length >= eventIds.length, 5000, 20);
    expect(seenIds().sort()).toEqual([...eventIds].sort());
    // One aggregate's events keep their order.
    for (const id of ['o-1', 'o-2', 'o-3'])
      expect(observed.filter((e) => e.correlationId === id).map((e) => (e.data as { to: string }).to)).toEqual(['s1', 's2']);
    expect(await Orders.countDocuments({ 'outbox.0': { $exists: true } })).toBe(0);
    expect(await Orders.countDocuments({ outboxPending: true })).toBe(0);
    expect((await Orders.findById('o-1').lean())?.status).toBe('s2'); // the change itself is untouched

    await after.relay.sweep();
    await settled();
    expect(observed).toHaveLength(eventIds.length);
  });

  it('when two relays sweep the same outboxes at the same time, then every event is published and any copies share the envelope id', async () => {
    const writer = await startInstance('svc-writer');
    const ids = Array.from({ length: 20 }, (_, i) => `c-${i}`);
    const eventIds = await storeWithoutPublishing(writer.relay, ids, 2);
    await crash(writer);

    const [a, b] = await Promise.all([startInstance('svc-a'), startInstance('svc-b')]);
    await Promise.all([a.relay.sweep(), b.relay.sweep()]);
    await eventually(() => new Set(seenIds()).size === eventIds.length, 5000, 20);
    await settled(); // the copies too: both sweeps have returned, so all they published was confirmed
    // Consumers dedupe by envelope id: every copy must be an exact event we stored, nothing else.
    expect(new Set(seenIds())).toEqual(new Set(eventIds));
    const byId = new Map(observed.map((e) => [e.id, e]));
    for (const e of observed) expect(e).toEqual(byId.get(e.id));
    console.log(`[outbox] two relays: ${eventIds.length} events, ${observed.length} published (${observed.length - eventIds.length} duplicates)`);
    expect(await Orders.countDocuments({ _id: { $in: ids }, 'outbox.0': { $exists: true } })).toBe(0);
  });

  it('when the broker is down at flush time, then the event stays in the outbox and is published once the broker is back', async () => {
    const svc = await startInstance('svc-broker-down');
    const [eventId] = await storeWithoutPublishing(svc.relay, ['d-1'], 1);
    const offline = new Broker({ url: stack.amqpUrl, service: 'offline', logger, publishWaitMs: 100 });
    await offline.close(); // a broker that is not connected: every publish fails
    const relayOffline = new OutboxRelay('offline', offline, new AggregateLocks(svc.redis), logger, [source]);
    await relayOffline.flushLocked(source, 'd-1');
    expect((await Orders.findById('d-1').lean())?.outbox.map((e) => e.id)).toEqual([eventId]);

    await svc.relay.flushLocked(source, 'd-1');
    await eventually(() => seenIds().includes(eventId), 5000, 20);
    expect((await Orders.findById('d-1').lean())?.outbox).toEqual([]);
  });

  it('when writes add to or clear an outbox, then its pending marker follows, so the sweep finds exactly the documents with events', async () => {
    const svc = await startInstance('svc-marker');
    const event = (orderId: string) => svc.relay.entry('order.status-changed.v1', { orderId, from: 'a', to: 'b' }, { correlationId: orderId });
    const pending = async () => (await Orders.find({ _id: /^m-/, outboxPending: true }, { _id: 1 }).lean()).map((d) => d._id).sort();

    await Orders.create({ _id: 'm-created', status: 'a', outbox: [event('m-created')] });
    await Orders.create({ _id: 'm-empty', status: 'a' });
    await Orders.insertMany([{ _id: 'm-many', status: 'a', outbox: [event('m-many')] }]);
    expect(await pending()).toEqual(['m-created', 'm-many']);

    await Orders.updateOne({ _id: 'm-empty' }, { $set: { status: 'b' }, $push: { outbox: event('m-empty') } });
    await Orders.updateOne({ _id: 'm-created' }, { $push: { outbox: { $each: [] } } }); // adds nothing: still pending, still true
    expect(await pending()).toEqual(['m-created', 'm-empty', 'm-many']);

    await svc.relay.flushLocked(source, 'm-empty');
    expect(await pending()).toEqual(['m-created', 'm-many']);
    await svc.relay.sweep();
    await eventually(async () => (await pending()).length === 0, 5000, 20);
    expect(await Orders.countDocuments({ _id: /^m-/, 'outbox.0': { $exists: true } })).toBe(0);
  });

  it('when a sweep cannot publish, then oms_outbox_pending_aggregates counts the aggregates left, and reads 0 once a sweep has published them', async () => {
    const svc = await startInstance('svc-gauge');
    await storeWithoutPublishing(svc.relay, ['g-1', 'g-2'], 1);
    const offline = new Broker({ url: stack.amqpUrl, service: 'offline', logger, publishWaitMs: 100 });
    await offline.close();
    const gauge = async () => (await register.getSingleMetric('oms_outbox_pending_aggregates')!.get()).values[0].value;

    await new OutboxRelay('offline', offline, new AggregateLocks(svc.redis), logger, [source]).sweep();
    expect(await gauge()).toBe(2);
    await svc.relay.sweep();
    expect(await gauge()).toBe(0);
    expect(await Orders.countDocuments({ _id: /^g-/, outboxPending: true })).toBe(0);
  });

  it('when the service process is killed with SIGKILL right after storing, then the restarted relay publishes the stored event exactly once', async () => {
    const child = spawn(process.execPath, [path.join(__dirname, 'fixtures', 'store-and-hang.js'), stack.mongoUrl('outbox'), 'k-1'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    await eventually(() => out.includes('\n'), 15000, 20);
    const eventId = /stored (\S+)/.exec(out)?.[1];
    child.kill('SIGKILL');
    const [, signal] = await once(child, 'exit');
    expect(signal).toBe('SIGKILL');
    expect(observed).toHaveLength(0);

    const restarted = await startInstance('svc-restarted');
    await restarted.relay.sweep();
    await eventually(() => observed.length === 1, 5000, 20);
    expect(observed[0]).toMatchObject({ id: eventId, type: 'order.status-changed.v1', correlationId: 'k-1', data: { orderId: 'k-1', to: 'accepted' } });
    await restarted.relay.sweep();
    await settled();
    expect(observed).toHaveLength(1);
    expect((await Orders.findById('k-1').lean())?.outbox).toEqual([]);
  });
});
