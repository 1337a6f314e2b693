import amqp, { type Channel, type ChannelModel, type ConsumeMessage } from 'amqplib';
import { Schema, type Connection, type Model } from 'mongoose';
import { EVENTS_EXCHANGE } from '@oms/contracts';
import { createLogger } from '@oms/logging';
import { Broker } from '@oms/messaging';
import { connectMongo } from '@oms/mongo';
import { OutboxRelay, outboxPendingMarker, type OutboxEntry, type OutboxSource } from '@oms/outbox';
import { AggregateLocks, createRedis, type Redis } from '@oms/redis';
import { eventually, FakeOtlpReceiver, TEST_REDIS_URL, TestStack } from '@oms/testing';
import { startTracing, type Tracing } from '@oms/tracing';

const logger = createLogger('outbox-trace-test', process.env.OMS_TEST_LOG_LEVEL ?? 'silent');

interface Order {
  _id: string;
  status: string;
  outbox: OutboxEntry[];
}

describe('outbox events keep the trace context of the change that stored them', () => {
  let stack: TestStack;
  let receiver: FakeOtlpReceiver;
  let db: Connection;
  let Orders: Model<Order>;
  let source: OutboxSource;
  let redis: Redis;
  let amqpConn: ChannelModel;
  let ch: Channel;
  const delivered: ConsumeMessage[] = [];
  const brokers: Broker[] = [];
  const tracings: Tracing[] = [];

  /** A service instance: its own tracing (as configured by `env`), broker and relay over the same data. */
  async function instance(name: string, env: Record<string, string>) {
    const tracing = startTracing(name, env);
    const broker = new Broker({ url: stack.amqpUrl, service: name, logger, tracing });
    await broker.connect();
    brokers.push(broker);
    tracings.push(tracing);
    return { tracing, broker, relay: new OutboxRelay(name, broker, new AggregateLocks(redis), logger, [source]) };
  }

  const deliveredFor = (orderId: string) => eventually(() => delivered.find((m) => m.properties.correlationId === orderId), 5000, 20);

  beforeAll(async () => {
    stack = await TestStack.create();
    receiver = await FakeOtlpReceiver.start();
    db = await connectMongo(stack.mongoUrl('outbox'), logger);
    const schema = new Schema({ _id: String, status: String, outbox: { type: [Schema.Types.Mixed], default: [] } }, { versionKey: false });
    schema.plugin(outboxPendingMarker);
    Orders = db.model<Order>('Order', schema as Schema);
    source = { model: Orders, lockKey: (id) => `order:${id}` };
    redis = createRedis(TEST_REDIS_URL, stack.redisPrefix);
    amqpConn = await amqp.connect(stack.amqpUrl);
    ch = await amqpConn.createChannel();
    await ch.assertExchange(EVENTS_EXCHANGE, 'topic', { durable: true });
    const { queue } = await ch.assertQueue('', { exclusive: true });
    await ch.bindQueue(queue, EVENTS_EXCHANGE, 'order.status-changed.v1');
    await ch.consume(queue, (msg) => msg && delivered.push(msg), { noAck: true });
  });

  afterAll(async () => {
    for (const broker of brokers) await broker.close();
    for (const tracing of tracings) await tracing.shutdown();
    await amqpConn.close().catch(() => undefined);
    await redis.quit();
    await db.close();
    await receiver.close();
    await stack.cleanup();
  });

  it('when a change stored an event inside a span and another instance publishes it later, then the publish span is a child of that span and the message carries its trace', async () => {
    const tracingOn = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' };
    const writer = await instance('svc-writer', tracingOn);
    const { traceId, spanId } = await writer.tracing.tracer.startActiveSpan('store the change', async (span) => {
      const event = writer.relay.entry('order.status-changed.v1', { orderId: 't-1', from: 'a', to: 'b' }, { correlationId: 't-1' });
      await Orders.create({ _id: 't-1', status: 'b', outbox: [event] });
      span.end();
      return span.spanContext();
    });
    // Stored with the event, beside the envelope: the writer may die before publishing.
    const stored = (await Orders.findById('t-1').lean())!.outbox[0];
    expect(stored.traceContext).toEqual({ traceparent: `00-${traceId}-${spanId}-01` });

    const sweeper = await instance('svc-sweeper', tracingOn);
    await sweeper.relay.sweep();
    const msg = await deliveredFor('t-1');

    await sweeper.tracing.flush();
    const publish = await eventually(() => receiver.trace(traceId).find((s) => s.kind === 'producer'));
    expect(publish).toMatchObject({ service: 'svc-sweeper', parentSpanId: spanId, name: 'publish order.status-changed.v1' });
    expect(msg.properties.headers?.traceparent).toBe(`00-${traceId}-${publish.spanId}-01`);
    // The context travels in the headers only: the body is the envelope as the contracts define it.
    expect(Object.keys(JSON.parse(msg.content.toString()))).not.toContain('traceContext');
    expect((await Orders.findById('t-1').lean())!.outbox).toEqual([]);
  });

  it('when events stored with a change are published right after it (publishAll), then they go out like outbox events: the publish span a child of the span that stored them, the context in the headers only', async () => {
    const writer = await instance('svc-inserter', { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' });
    const { event, traceId, spanId } = await writer.tracing.tracer.startActiveSpan('decide', async (span) => {
      const entry = writer.relay.entry('order.status-changed.v1', { orderId: 't-3', from: 'a', to: 'b' }, { correlationId: 't-3' });
      span.end();
      return { event: entry, ...span.spanContext() };
    });
    await Orders.create({ _id: 't-3', status: 'b' });

    expect(await writer.relay.publishAll([event], 't-3')).toBe(true);
    const msg = await deliveredFor('t-3');

    await writer.tracing.flush();
    const publish = await eventually(() => receiver.trace(traceId).find((s) => s.kind === 'producer' && s.service === 'svc-inserter'));
    expect(publish.parentSpanId).toBe(spanId);
    expect(msg.properties.headers?.traceparent).toBe(`00-${traceId}-${publish.spanId}-01`);
    expect(Object.keys(JSON.parse(msg.content.toString()))).not.toContain('traceContext');
  });

  it('when tracing is off, then an event stored inside an active span keeps no trace context and is published without trace headers', async () => {
    const on = await instance('svc-traced', { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' });
    const off = await instance('svc-untraced', {});
    expect(off.tracing.enabled).toBe(false);
    // A span is active (another instance's), but this relay does not trace: nothing of it is kept.
    await on.tracing.tracer.startActiveSpan('someone else’s span', async (span) => {
      const event = off.relay.entry('order.status-changed.v1', { orderId: 't-2', from: 'a', to: 'b' }, { correlationId: 't-2' });
      await Orders.create({ _id: 't-2', status: 'b', outbox: [event] });
      span.end();
    });
    expect((await Orders.findById('t-2').lean())!.outbox[0]).not.toHaveProperty('traceContext');

    await off.relay.flushLocked(source, 't-2');
    const msg = await deliveredFor('t-2');
    expect(msg.properties.headers).not.toHaveProperty('traceparent');
    expect(msg.properties.headers).not.toHaveProperty('tracestate');
  });
});
