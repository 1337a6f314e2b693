import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { createPaymentSandbox, serve, type RunningSandbox } from '@oms/sandboxes';
import { eventually, FakeOtlpReceiver, TestBus, TestStack, type ReceivedSpan, type RunningService } from '@oms/testing';
import { definition } from '../src/service';

/*
 * The payment provider is a third party: with tracing on, payment-check's calls to it are CLIENT spans in
 * the trace of the command, but our trace context is not sent to it (docs/observability.md).
 */
describe('with tracing on, payment-check traces its calls to the payment provider without sending it our trace context', () => {
  let stack: TestStack;
  let receiver: FakeOtlpReceiver;
  let provider: RunningSandbox;
  let running: RunningService<unknown>;
  let bus: TestBus;
  const providerRequests: Array<{ url: string; headers: IncomingHttpHeaders }> = [];

  beforeAll(async () => {
    stack = await TestStack.create();
    receiver = await FakeOtlpReceiver.start();
    provider = await serve(createPaymentSandbox().app);
    // A second listener only looks: the sandbox app answers.
    provider.server.on('request', (req: IncomingMessage) => providerRequests.push({ url: req.url ?? '', headers: req.headers }));
    running = await stack.start(definition, {
      PAYMENT_PROVIDER_URL: provider.url,
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    });
    bus = await TestBus.open(stack.amqpUrl, ['payment.#']);
  });

  afterAll(async () => {
    await bus?.close();
    await stack.cleanup();
    await provider?.close();
    await receiver?.close();
  });

  it('when a payment is checked, then the authorization call is a CLIENT span, child of the command’s processing, and the provider gets no traceparent', async () => {
    const orderId = `ord-${randomUUID()}`;
    const out = await bus.commands.send(
      'payment.check.v1',
      { orderId, amount: 5000, currency: 'EUR', provider: 'sandbox', method: 'card', reference: `ref-${orderId}` },
      { correlationId: orderId },
    );
    expect(out.status).toBe('done');

    const { client, consume } = await eventually(async () => {
      await running.ctx.tracing.flush();
      const consume = receiver.spans.find((s) => s.kind === 'consumer' && s.attributes['messaging.message.conversation_id'] === orderId);
      const client = consume && receiver.spans.find((s) => s.kind === 'client' && s.parentSpanId === consume.spanId);
      return client ? { client, consume: consume as ReceivedSpan } : undefined;
    });
    expect(consume).toMatchObject({ service: 'payment-check', name: 'process payment-check.commands' });
    expect(client).toMatchObject({
      service: 'payment-check',
      name: 'POST',
      traceId: consume.traceId,
      status: { code: 0 },
      attributes: expect.objectContaining({
        'peer.service': 'payment-provider',
        'url.full': `${provider.url}/v1/authorizations`,
        'http.response.status_code': 201,
      }),
    });
    const authorizations = providerRequests.filter((r) => r.url === '/v1/authorizations');
    expect(authorizations.length).toBeGreaterThan(0);
    for (const { headers } of authorizations) {
      expect(headers['idempotency-key']).toBeDefined();
      expect(headers.traceparent).toBeUndefined();
      expect(headers.tracestate).toBeUndefined();
    }
  });
});
