import { randomBytes, randomUUID } from 'node:crypto';
import { COMMANDS_EXCHANGE } from '@oms/contracts';
import { buildEnvelope, QueueConsumer, type Broker } from '@oms/messaging';
import { eventually, FakeOtlpReceiver, TestStack, type ReceivedSpan } from '@oms/testing';
import { startTracing, type Tracing } from '@oms/tracing';
import { header, newBroker, RawAmqp } from './helpers';

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const traceparentOf = (traceId: string, spanId: string) => `00-${traceId}-${spanId}-01`;

/** A fulfillment.cancel.v1 command as another service would send it, with the trace headers given. */
function sendCancel(raw: RawAmqp, orderId: string, headers: Record<string, unknown>): string {
  const envelope = buildEnvelope('other-service', 'fulfillment.cancel.v1', { orderId }, { correlationId: orderId });
  raw.channel.publish(COMMANDS_EXCHANGE, envelope.type, Buffer.from(JSON.stringify(envelope)), {
    messageId: envelope.id,
    type: envelope.type,
    correlationId: orderId,
    persistent: true,
    headers,
  });
  return envelope.id;
}

describe('with tracing on, trace context travels in the AMQP headers (W3C Trace Context)', () => {
  let stack: TestStack;
  let receiver: FakeOtlpReceiver;
  let tracing: Tracing;
  let broker: Broker;
  let raw: RawAmqp;
  let consumer: QueueConsumer;
  /** How many times the handler must still fail for an order id (retries are traced too). */
  const failuresLeft = new Map<string, number>();

  beforeAll(async () => {
    stack = await TestStack.create();
    receiver = await FakeOtlpReceiver.start();
    tracing = startTracing('fulfillment-test', { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' });
    broker = newBroker(stack.amqpUrl, 'fulfillment-test', { tracing });
    await broker.connect();
    raw = await RawAmqp.open(stack.amqpUrl);
    // The handler sends a command on, as services do: that publish must continue the consumer's trace.
    consumer = new QueueConsumer(
      broker,
      'fulfillment.commands',
      {
        'fulfillment.cancel.v1': async (message) => {
          const left = failuresLeft.get(message.data.orderId) ?? 0;
          if (left > 0) {
            failuresLeft.set(message.data.orderId, left - 1);
            throw new Error('store unavailable');
          }
          await broker.publish('stock.release.v1', { orderId: message.data.orderId }, { correlationId: message.data.orderId, causationId: message.id });
        },
      },
      { prefetch: 10, maxAttempts: 3, retryDelaysMs: [100] },
    );
    await consumer.start();
  });

  afterAll(async () => {
    await consumer.stop();
    await broker.close();
    await tracing.shutdown();
    await raw.close();
    await receiver.close();
    await stack.cleanup();
  });

  /** Flush the exporter until the trace has `count` spans of this service. */
  const spansOf = (traceId: string, count: number) =>
    eventually(async () => {
      await tracing.flush();
      const spans = receiver.trace(traceId);
      return spans.length >= count ? spans : undefined;
    });

  it('when a message arrives with a traceparent, then it is processed in a CONSUMER span that is its child, and what the handler publishes is a child of that', async () => {
    const traceId = hex(16);
    const remoteParent = hex(8);
    const orderId = `o-${randomUUID()}`;
    const messageId = sendCancel(raw, orderId, { traceparent: traceparentOf(traceId, remoteParent), tracestate: 'vendor=abc' });

    const spans = await spansOf(traceId, 2);
    const consume = spans.find((s) => s.kind === 'consumer') as ReceivedSpan;
    expect(consume).toMatchObject({
      name: 'process fulfillment.commands',
      parentSpanId: remoteParent,
      service: 'fulfillment-test',
      status: { code: 0 },
      attributes: expect.objectContaining({
        'messaging.system': 'rabbitmq',
        'messaging.operation.type': 'process',
        'messaging.destination.name': COMMANDS_EXCHANGE,
        'messaging.destination.subscription.name': 'fulfillment.commands',
        'messaging.rabbitmq.destination.routing_key': 'fulfillment.cancel.v1',
        'messaging.message.id': messageId,
        'messaging.message.conversation_id': orderId,
        'oms.message.outcome': 'ok',
        'oms.message.attempt': 1,
      }),
    });
    const publish = spans.find((s) => s.kind === 'producer') as ReceivedSpan;
    expect(publish).toMatchObject({
      name: 'publish stock.release.v1',
      parentSpanId: consume.spanId,
      attributes: expect.objectContaining({
        'messaging.system': 'rabbitmq',
        'messaging.operation.type': 'send',
        'messaging.destination.name': COMMANDS_EXCHANGE,
      }),
    });

    // The command sent on carries the producer span as its parent, and the incoming tracestate.
    const [sent] = (await raw.drain('inventory.commands')).filter((m) => m.properties.correlationId === orderId);
    expect(header(sent, 'traceparent')).toBe(traceparentOf(traceId, publish.spanId));
    expect(header(sent, 'tracestate')).toBe('vendor=abc');
  });

  it('when the handler fails, then its span records the error, and the retry is processed in the same trace under the retry publish', async () => {
    const traceId = hex(16);
    const orderId = `o-${randomUUID()}`;
    failuresLeft.set(orderId, 1);
    sendCancel(raw, orderId, { traceparent: traceparentOf(traceId, hex(8)) });

    // process (fails) → publish to the delay queue → process (attempt 2) → publish stock.release.v1
    const spans = await spansOf(traceId, 4);
    const [failed, retried] = spans
      .filter((s) => s.kind === 'consumer')
      .sort((a, b) => Number(a.attributes['oms.message.attempt']) - Number(b.attributes['oms.message.attempt']));
    expect(failed).toMatchObject({
      status: { code: 2, message: 'store unavailable' },
      attributes: expect.objectContaining({ 'oms.message.outcome': 'retried', 'error.type': 'Error' }),
    });
    expect(failed.events).toContain('exception');
    const retryPublish = spans.find((s) => s.kind === 'producer' && s.parentSpanId === failed.spanId) as ReceivedSpan;
    expect(retryPublish.attributes['messaging.destination.name']).toBe('amq.default');
    expect(retryPublish.attributes['messaging.rabbitmq.destination.routing_key']).toBe('fulfillment.commands.delay.100ms');
    expect(retried).toMatchObject({
      parentSpanId: retryPublish.spanId,
      status: { code: 0 },
      attributes: expect.objectContaining({ 'oms.message.attempt': 2, 'oms.message.outcome': 'ok' }),
    });
    await raw.drain('inventory.commands');
  });

  it('when a publish happens with no span active, then it starts a trace of its own and the message carries it', async () => {
    const orderId = `o-${randomUUID()}`;
    await broker.publish('stock.release.v1', { orderId }, { correlationId: orderId });
    const [sent] = (await raw.drain('inventory.commands')).filter((m) => m.properties.correlationId === orderId);
    const traceparent = String(header(sent, 'traceparent'));
    const [, traceId, spanId] = traceparent.split('-');
    const [span] = await spansOf(traceId, 1);
    expect(span).toMatchObject({ spanId, parentSpanId: undefined, kind: 'producer', name: 'publish stock.release.v1' });
  });

  it('when a message carries a malformed traceparent, then it is still handled, in a new trace', async () => {
    const orderId = `o-${randomUUID()}`;
    const messageId = sendCancel(raw, orderId, { traceparent: 'not-a-traceparent' });
    const consume = await eventually(async () => {
      await tracing.flush();
      return receiver.spans.find((s) => s.kind === 'consumer' && s.attributes['messaging.message.id'] === messageId);
    });
    expect(consume.parentSpanId).toBeUndefined();
    expect(consume.attributes['oms.message.outcome']).toBe('ok');
    await raw.drain('inventory.commands');
  });
});
