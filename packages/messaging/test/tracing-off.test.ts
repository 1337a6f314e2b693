import { randomBytes, randomUUID } from 'node:crypto';
import { context, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { COMMANDS_EXCHANGE } from '@oms/contracts';
import { buildEnvelope, QueueConsumer, type Broker } from '@oms/messaging';
import { FakeOtlpReceiver, TestStack, eventually } from '@oms/testing';
import { startTracing, type Tracing } from '@oms/tracing';
import { header, newBroker, RawAmqp } from './helpers';

/*
 * Decided behaviour with tracing off (no OTLP endpoint, OTEL_TRACES_EXPORTER=none or OTEL_SDK_DISABLED=true):
 * no SDK is built, nothing is exported, and the kit neither reads nor writes trace headers. A message that
 * arrives with a traceparent is handled as usual; what its handler publishes carries none. (Retries and
 * dead letters are copies of the message and keep the headers it came with.) This file starts no tracing
 * at all, so it also shows that the process-wide OpenTelemetry API stays a no-op.
 */
describe('with tracing off, nothing is exported and no trace headers are written', () => {
  let stack: TestStack;
  let receiver: FakeOtlpReceiver;
  let broker: Broker;
  let raw: RawAmqp;
  let consumer: QueueConsumer;
  let tracing: Tracing;
  const activeSpanInHandler: Array<boolean> = [];

  beforeAll(async () => {
    stack = await TestStack.create();
    receiver = await FakeOtlpReceiver.start();
    // The endpoint is set but the exporter is `none`: were anything exported, the receiver would get it.
    tracing = startTracing('untraced', { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_TRACES_EXPORTER: 'none' });
    broker = newBroker(stack.amqpUrl, 'untraced', { tracing });
    await broker.connect();
    raw = await RawAmqp.open(stack.amqpUrl);
    consumer = new QueueConsumer(
      broker,
      'fulfillment.commands',
      {
        'fulfillment.cancel.v1': async (message) => {
          activeSpanInHandler.push(trace.getActiveSpan() !== undefined);
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
    await raw.close();
    await receiver.close();
    await stack.cleanup();
  });

  it('when no endpoint is configured, or the exporter is none, or the SDK is disabled, then tracing is off and its tracer records nothing', () => {
    for (const env of [
      {},
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_TRACES_EXPORTER: 'none' },
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' },
    ]) {
      const off = startTracing('svc', env);
      expect(off.enabled).toBe(false);
      expect(off.tracer.startSpan('x').isRecording()).toBe(false);
    }
    expect(tracing.enabled).toBe(false);
    // No context manager was registered: the API cannot even make a span active.
    const span = trace.wrapSpanContext({ traceId: randomBytes(16).toString('hex'), spanId: randomBytes(8).toString('hex'), traceFlags: 1 });
    expect(context.with(trace.setSpan(ROOT_CONTEXT, span), () => trace.getActiveSpan())).toBeUndefined();
  });

  it('when a message with a traceparent is handled, then the handler runs with no span and what it publishes carries no trace headers; nothing reaches the receiver', async () => {
    const orderId = `o-${randomUUID()}`;
    const envelope = buildEnvelope('other-service', 'fulfillment.cancel.v1', { orderId }, { correlationId: orderId });
    raw.channel.publish(COMMANDS_EXCHANGE, envelope.type, Buffer.from(JSON.stringify(envelope)), {
      messageId: envelope.id,
      type: envelope.type,
      correlationId: orderId,
      headers: { traceparent: `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01` },
    });
    const [sent] = await eventually(async () => {
      const got = (await raw.drain('inventory.commands')).filter((m) => m.properties.correlationId === orderId);
      return got.length ? got : undefined;
    });
    expect(activeSpanInHandler).toEqual([false]);
    expect(header(sent, 'traceparent')).toBeUndefined();
    expect(header(sent, 'tracestate')).toBeUndefined();

    await broker.publish('stock.release.v1', { orderId }, { correlationId: orderId });
    const [direct] = await raw.drain('inventory.commands');
    expect(direct.properties.headers ?? {}).not.toHaveProperty('traceparent');

    await tracing.flush();
    expect(receiver.exports).toEqual([]);
  });
});
