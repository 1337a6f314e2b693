import { randomUUID } from 'node:crypto';
import type { CommandClient } from '@oms/messaging';
import { createPaymentSandbox, serve, type PaymentSandbox, type RunningSandbox } from '@oms/sandboxes';
import { TestBus, TestStack, eventually, type BrokerTap } from '@oms/testing';
import { createLogger } from '@oms/logging';
import { createHttpClient } from '@oms/resilience';
import { PaymentProvider } from '../src/data-access/payment-provider';
import { definition } from '../src/service';

describe('payment-check', () => {
  let stack: TestStack;
  let sandbox: PaymentSandbox;
  let provider: RunningSandbox;
  let url: string;
  let bus: TestBus;
  let commands: CommandClient;
  let tap: BrokerTap;

  beforeAll(async () => {
    stack = await TestStack.create();
    sandbox = createPaymentSandbox();
    provider = await serve(sandbox.app);
    const running = await stack.start(definition, { PAYMENT_PROVIDER_URL: provider.url, PAYMENT_PROVIDER_TIMEOUT_MS: '300', AMQP_MAX_ATTEMPTS: '8' });
    url = running.url;
    bus = await TestBus.open(stack.amqpUrl, ['payment.#', 'command.refused.v1']);
    ({ commands, tap } = bus);
  });

  afterAll(async () => {
    await bus?.close();
    await stack.cleanup();
    await provider?.close();
  });

  const newOrder = () => `ord-${randomUUID()}`;
  const sandboxUrl = () => provider.url;
  const checkCommand = (orderId: string, reference = `ref-${orderId}`, amount = 5000) =>
    ({ orderId, amount, currency: 'EUR', provider: 'sandbox', method: 'card', reference }) as const;
  const eventsOf = (type: string, orderId: string) => tap.events(type, orderId);
  /** Every event published before now has reached the tap. */
  const settle = () => tap.settle();
  const paymentsOf = async (orderId: string): Promise<Array<Record<string, any>>> => {
    const res = await fetch(`${url}/internal/payments?orderId=${encodeURIComponent(orderId)}`);
    expect(res.status).toBe(200);
    return (await res.json()) as Array<Record<string, any>>;
  };
  const approvedOrder = async () => {
    const orderId = newOrder();
    await commands.send('payment.check.v1', checkCommand(orderId), { correlationId: orderId });
    const [check] = await paymentsOf(orderId);
    expect(check.status).toBe('approved');
    return { orderId, check };
  };

  it('when a payment is checked and the provider approves, then the check is stored approved and payment.approved.v1 is published', async () => {
    const orderId = newOrder();
    const out = await commands.send('payment.check.v1', checkCommand(orderId), { correlationId: orderId });
    expect(out.status).toBe('done');
    const checks = await paymentsOf(orderId);
    expect(checks).toHaveLength(1);
    expect(checks[0]).toMatchObject({ orderId, status: 'approved', amount: 5000, currency: 'EUR', refunds: [] });
    expect(checks[0]).not.toHaveProperty('outbox');
    expect(checks[0]).not.toHaveProperty('processed');
    const event = await eventually(() => eventsOf('payment.approved.v1', orderId)[0]);
    expect(event.data).toEqual({ orderId, checkId: checks[0].id, amount: 5000, currency: 'EUR', providerRef: checks[0].authorizationId });
  });

  it('when the provider declines the card, then the check is stored declined and payment.declined.v1 carries the reason', async () => {
    const orderId = newOrder();
    await commands.send('payment.check.v1', checkCommand(orderId, 'decline-123'), { correlationId: orderId });
    const [check] = await paymentsOf(orderId);
    expect(check).toMatchObject({ status: 'declined', declineReason: 'card_declined' });
    const event = await eventually(() => eventsOf('payment.declined.v1', orderId)[0]);
    expect(event.data).toEqual({ orderId, checkId: check.id, reason: 'card_declined' });
  });

  it('when the same check command is delivered twice (and a second command follows), then the provider is asked once and one check exists', async () => {
    const orderId = newOrder();
    const before = sandbox.control.calls.authorizations;
    const id = randomUUID();
    await commands.send('payment.check.v1', checkCommand(orderId), { correlationId: orderId, id });
    await commands.send('payment.check.v1', checkCommand(orderId), { correlationId: orderId, id });
    await commands.send('payment.check.v1', checkCommand(orderId), { correlationId: orderId });
    expect(sandbox.control.calls.authorizations - before).toBe(1);
    expect(await paymentsOf(orderId)).toHaveLength(1);
    await settle();
    expect(eventsOf('payment.approved.v1', orderId)).toHaveLength(1);
  });

  it('when a refund for a return is delivered twice, then the provider refunds once and one payment.refunded.v1 is published', async () => {
    const { orderId, check } = await approvedOrder();
    const returnId = `ret-${randomUUID()}`;
    const refund = { orderId, returnId, amount: 2000, currency: 'EUR' };
    const id = randomUUID();
    await commands.send('payment.refund.v1', refund, { correlationId: orderId, id });
    await commands.send('payment.refund.v1', refund, { correlationId: orderId, id });
    await commands.send('payment.refund.v1', refund, { correlationId: orderId });
    expect(sandbox.control.refunds().filter((r) => r.authorizationId === check.authorizationId)).toHaveLength(1);
    const [stored] = await paymentsOf(orderId);
    expect(stored.refunds).toEqual([expect.objectContaining({ returnId, amount: 2000 })]);
    await settle();
    const events = eventsOf('payment.refunded.v1', orderId);
    expect(events).toHaveLength(1);
    expect(events[0].data).toEqual({ orderId, returnId, amount: 2000, currency: 'EUR', providerRef: stored.refunds[0].providerRef });
  });

  it('when a refund would exceed the authorized amount, then it is refused with 422 and nothing is refunded', async () => {
    const { orderId } = await approvedOrder();
    await expect(
      commands.send('payment.refund.v1', { orderId, returnId: `ret-${randomUUID()}`, amount: 6000, currency: 'EUR' }, { correlationId: orderId }),
    ).rejects.toMatchObject({ status: 422 });
    expect((await paymentsOf(orderId))[0].refunds).toEqual([]);
  });

  it('when the provider refuses a refund nobody waits for (402), then command.refused.v1 carries its reason and nothing is refunded', async () => {
    const { orderId } = await approvedOrder();
    const returnId = `ret-${randomUUID()}`;
    sandbox.control.refuseNextRefunds(1, 402);
    // Sent as ingestion sends it: without a reply queue, so no sender would ever hear of the refusal.
    const command = await bus.broker.publish('payment.refund.v1', { orderId, returnId, amount: 2000, currency: 'EUR' }, { correlationId: orderId });
    const refused = await eventually(() => eventsOf('command.refused.v1', orderId)[0]);
    expect(refused.data).toEqual({
      orderId,
      command: 'payment.refund.v1',
      commandId: command.id,
      returnId,
      status: 422,
      title: 'Unprocessable Content',
      detail: 'the payment provider refused the refund (402): refund_declined',
    });
    expect((await paymentsOf(orderId))[0].refunds).toEqual([]);
    await settle();
    expect(eventsOf('payment.refunded.v1', orderId)).toEqual([]);
  });

  it('when the provider answers 429 to a refund (throttled), then the refund is retried and succeeds, and no refusal is published', async () => {
    const { orderId, check } = await approvedOrder();
    const returnId = `ret-${randomUUID()}`;
    sandbox.control.failNext(1, 429);
    await bus.broker.publish('payment.refund.v1', { orderId, returnId, amount: 2000, currency: 'EUR' }, { correlationId: orderId });
    const refunded = await eventually(() => eventsOf('payment.refunded.v1', orderId)[0], 15000);
    expect(refunded.data).toMatchObject({ orderId, returnId, amount: 2000 });
    expect(sandbox.control.refunds().filter((r) => r.authorizationId === check.authorizationId)).toHaveLength(1);
    await settle();
    expect(eventsOf('command.refused.v1', orderId)).toEqual([]);
  });

  it.each([
    ['invoice', 5000, 'paid on invoice or delivery: no provider call'],
    ['Cash on Delivery (COD)', 5000, 'paid on invoice or delivery: no provider call'],
    ['marketplace', 5000, 'collected by the channel: no provider call'],
    ['card', 0, 'nothing due (gift cards, a replacement): no provider call'],
  ])('when a payment by %s of %i is checked, then it is approved without asking the provider', async (method, amount, note) => {
    const orderId = newOrder();
    const before = sandbox.control.calls.authorizations;
    await commands.send('payment.check.v1', { ...checkCommand(orderId, `ref-${orderId}`, amount), method }, { correlationId: orderId });
    const [check] = await paymentsOf(orderId);
    expect(check).toMatchObject({ status: 'approved', amount, method });
    expect(check).not.toHaveProperty('authorizationId');
    expect(sandbox.control.calls.authorizations).toBe(before);
    const event = await eventually(() => eventsOf('payment.approved.v1', orderId)[0]);
    expect(event.data).toEqual({ orderId, checkId: check.id, amount, currency: 'EUR', providerRef: note });
  });

  it('when an invoice payment is voided or refunded, then the void is recorded without the provider and the refund is refused: it is paid back outside the OMS', async () => {
    const orderId = newOrder();
    await commands.send('payment.check.v1', { ...checkCommand(orderId), method: 'invoice' }, { correlationId: orderId });
    await expect(
      commands.send('payment.refund.v1', { orderId, returnId: 'ret-inv', amount: 100, currency: 'EUR' }, { correlationId: orderId }),
    ).rejects.toMatchObject({ status: 409, message: expect.stringContaining('refund it outside the OMS') });
    const voidsBefore = sandbox.control.calls.voids;
    await commands.send('payment.void.v1', { orderId }, { correlationId: orderId });
    expect((await paymentsOf(orderId))[0]).toMatchObject({ status: 'voided', flow: 'invoice' });
    expect(sandbox.control.calls.voids).toBe(voidsBefore);
  });

  it('when an approved payment is captured at shipment (twice), then the provider takes it once, the check is captured and refunds stop at the captured amount', async () => {
    const { orderId, check } = await approvedOrder();
    const before = sandbox.control.calls.captures;
    await commands.send('payment.capture.v1', { orderId, amount: 4000, currency: 'EUR' }, { correlationId: orderId });
    await commands.send('payment.capture.v1', { orderId, amount: 4000, currency: 'EUR' }, { correlationId: orderId });
    expect(sandbox.control.calls.captures - before).toBe(1);
    expect(sandbox.control.authorizations().find((a) => a.id === check.authorizationId)).toMatchObject({ status: 'captured', captured: 4000 });
    const [captured] = await paymentsOf(orderId);
    expect(captured).toMatchObject({ status: 'captured', captured: 4000, captureId: expect.any(String) });
    await settle();
    expect(eventsOf('payment.captured.v1', orderId).map((e) => e.data)).toEqual([
      { orderId, checkId: check.id, amount: 4000, currency: 'EUR', providerRef: captured.captureId },
    ]);
    // Partially captured: 1,000 of the 5,000 authorized was released, so at most 4,000 comes back.
    await expect(
      commands.send('payment.refund.v1', { orderId, returnId: 'ret-over', amount: 4001, currency: 'EUR' }, { correlationId: orderId }),
    ).rejects.toMatchObject({ status: 422, message: expect.stringContaining('exceed the captured 4000') });
    await commands.send('payment.refund.v1', { orderId, returnId: 'ret-all', amount: 4000, currency: 'EUR' }, { correlationId: orderId });
    expect((await paymentsOf(orderId))[0].refunds).toEqual([expect.objectContaining({ returnId: 'ret-all', amount: 4000 })]);
    // A void after the capture releases nothing.
    const voids = sandbox.control.calls.voids;
    await commands.send('payment.void.v1', { orderId }, { correlationId: orderId });
    expect(sandbox.control.calls.voids).toBe(voids);
  });

  it('when a capture asks for more than was authorized, or for a declined payment, then it is refused and nothing is taken', async () => {
    const { orderId } = await approvedOrder();
    const before = sandbox.control.calls.captures;
    await expect(commands.send('payment.capture.v1', { orderId, amount: 5001, currency: 'EUR' }, { correlationId: orderId })).rejects.toMatchObject({
      status: 422,
    });
    const declined = newOrder();
    await commands.send('payment.check.v1', checkCommand(declined, 'decline-cap'), { correlationId: declined });
    await expect(commands.send('payment.capture.v1', { orderId: declined, amount: 5000, currency: 'EUR' }, { correlationId: declined })).rejects.toMatchObject({
      status: 409,
      message: expect.stringContaining('the payment is declined'),
    });
    expect(sandbox.control.calls.captures).toBe(before);
  });

  it('when a prepayment is checked, then it waits for the transfer; transfers are counted once per reference until they cover the amount, then it is approved', async () => {
    const orderId = newOrder();
    const before = sandbox.control.calls.authorizations;
    await commands.send('payment.check.v1', { ...checkCommand(orderId), method: 'bank_transfer' }, { correlationId: orderId });
    const [waiting] = await paymentsOf(orderId);
    expect(waiting).toMatchObject({ status: 'awaiting_payment', flow: 'prepayment', amount: 5000 });
    expect((await eventually(() => eventsOf('payment.awaiting.v1', orderId)[0])).data).toEqual({ orderId, checkId: waiting.id, amount: 5000, currency: 'EUR' });

    const receive = (reference: string, amount: number) =>
      commands.send('payment.receive.v1', { orderId, amount, currency: 'EUR', reference, actor: 'api-key:ops' }, { correlationId: orderId });
    await receive('SEPA-1', 3000);
    await receive('SEPA-1', 3000); // the same transfer recorded twice
    expect((await paymentsOf(orderId))[0]).toMatchObject({
      status: 'awaiting_payment',
      received: [expect.objectContaining({ reference: 'SEPA-1', amount: 3000 })],
    });
    await receive('SEPA-2', 2000);
    const [paid] = await paymentsOf(orderId);
    expect(paid.status).toBe('approved');
    expect(paid.received.map((r: { reference: string }) => r.reference)).toEqual(['SEPA-1', 'SEPA-2']);
    await settle();
    expect(eventsOf('payment.approved.v1', orderId).map((e) => e.data)).toEqual([
      { orderId, checkId: paid.id, amount: 5000, currency: 'EUR', providerRef: 'bank transfer SEPA-2' },
    ]);
    expect(sandbox.control.calls.authorizations).toBe(before);
  });

  it('when a transfer is recorded for a card payment, then it is refused: that payment waits for none', async () => {
    const { orderId } = await approvedOrder();
    await expect(
      commands.send('payment.receive.v1', { orderId, amount: 5000, currency: 'EUR', reference: 'SEPA-9', actor: 'api-key:ops' }, { correlationId: orderId }),
    ).rejects.toMatchObject({ status: 409, message: expect.stringContaining('waits for no transfer') });
  });

  it('when a refund is asked for an order without an approved payment, then it is refused with 409', async () => {
    const orderId = newOrder();
    await expect(
      commands.send('payment.refund.v1', { orderId, returnId: 'ret-x', amount: 100, currency: 'EUR' }, { correlationId: orderId }),
    ).rejects.toMatchObject({
      status: 409,
    });
  });

  it('when an approved payment is voided (twice), then the provider releases it once and payment.voided.v1 is published once', async () => {
    const { orderId, check } = await approvedOrder();
    const before = sandbox.control.calls.voids;
    await commands.send('payment.void.v1', { orderId }, { correlationId: orderId });
    await commands.send('payment.void.v1', { orderId }, { correlationId: orderId });
    expect(sandbox.control.calls.voids - before).toBe(1);
    expect(sandbox.control.authorizations().find((a) => a.id === check.authorizationId)?.status).toBe('voided');
    expect((await paymentsOf(orderId))[0].status).toBe('voided');
    await settle();
    expect(eventsOf('payment.voided.v1', orderId)).toHaveLength(1);
  });

  it('when a void arrives for an order that was never checked, then nothing is stored or published', async () => {
    const orderId = newOrder();
    const out = await commands.send('payment.void.v1', { orderId }, { correlationId: orderId });
    expect(out.status).toBe('done');
    expect(await paymentsOf(orderId)).toEqual([]);
    await settle();
    expect(eventsOf('payment.voided.v1', orderId)).toEqual([]);
  });

  it('when the orderId query parameter is missing, then the payments query answers 422', async () => {
    const res = await fetch(`${url}/internal/payments`);
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });

  // The two outage tests come last: their failures must not add up with others to open the breaker early.
  it('when the provider is down for two calls, then the command is retried until approved and one authorization exists', async () => {
    const orderId = newOrder();
    const reference = `ref-${orderId}`;
    sandbox.control.failNext(2);
    await bus.broker.publish('payment.check.v1', checkCommand(orderId, reference), { correlationId: orderId });
    const check = await eventually(async () => (await paymentsOf(orderId))[0]);
    expect(check.status).toBe('approved');
    expect(sandbox.control.authorizations().filter((a) => a.reference === reference)).toHaveLength(1);
    await settle();
    expect(eventsOf('payment.approved.v1', orderId)).toHaveLength(1);
  });

  it('when the provider answers after our timeout, then the retry reuses the idempotency key and one authorization exists', async () => {
    const orderId = newOrder();
    const reference = `ref-${orderId}`;
    const before = sandbox.control.calls.total;
    const authCallsBefore = sandbox.control.calls.authorizations;
    sandbox.control.delayMs = 500;
    await bus.broker.publish('payment.check.v1', checkCommand(orderId, reference), { correlationId: orderId });
    await eventually(() => sandbox.control.calls.total > before, 5000, 10);
    sandbox.control.delayMs = 0; // only the first call is slow
    const check = await eventually(async () => (await paymentsOf(orderId))[0]);
    // Wait for the slow first call to finish too: it must not have created a second authorization.
    await eventually(() => sandbox.control.calls.authorizations - authCallsBefore >= 2);
    const auths = sandbox.control.authorizations().filter((a) => a.reference === reference);
    expect(auths).toHaveLength(1);
    expect(check.authorizationId).toBe(auths[0].id);
  });

  it('when the authorization expired before shipping, then the capture re-authorizes once, captures the new one, and says so', async () => {
    const { orderId, check } = await approvedOrder();
    expect(check.authorizationExpiresAt).toEqual(expect.any(String));
    sandbox.control.expire(check.authorizationId);
    const before = sandbox.control.calls.authorizations;
    await commands.send('payment.capture.v1', { orderId, amount: 5000, currency: 'EUR' }, { correlationId: orderId });
    await commands.send('payment.capture.v1', { orderId, amount: 5000, currency: 'EUR' }, { correlationId: orderId });
    expect(sandbox.control.calls.authorizations - before).toBe(1);
    const [captured] = await paymentsOf(orderId);
    expect(captured).toMatchObject({
      status: 'captured',
      captured: 5000,
      reauthorizedFrom: check.authorizationId,
      authorizationId: expect.not.stringMatching(check.authorizationId),
    });
    expect(sandbox.control.authorizations().find((a) => a.id === captured.authorizationId)).toMatchObject({ status: 'captured', captured: 5000 });
    const event = await eventually(() => eventsOf('payment.captured.v1', orderId)[0]);
    expect(event.data.reauthorizedFrom).toBe(check.authorizationId);
  });

  it('when the authorization expired and the card is now declined, then the capture is refused, visibly, and nothing is taken', async () => {
    const orderId = newOrder();
    sandbox.control.authorizationTtlMs = 1;
    try {
      await commands.send('payment.check.v1', checkCommand(orderId), { correlationId: orderId });
    } finally {
      sandbox.control.authorizationTtlMs = 7 * 24 * 60 * 60 * 1000;
    }
    sandbox.control.declineAbove = 100;
    try {
      await expect(commands.send('payment.capture.v1', { orderId, amount: 5000, currency: 'EUR' }, { correlationId: orderId })).rejects.toMatchObject({
        status: 422,
        detail: expect.stringMatching(/^the authorization expired before shipping and the provider declined a new one \(amount_limit_exceeded\)/),
      });
    } finally {
      sandbox.control.declineAbove = undefined;
    }
    const [check] = await paymentsOf(orderId);
    expect(check.status).toBe('approved');
  });

  it.each([
    ['insufficient-1', 'insufficient_funds'],
    ['expired-card-1', 'expired_card'],
  ])('when the provider declines by rule (reference %s), then the check is declined with %s', async (prefix, reason) => {
    const orderId = newOrder();
    await commands.send('payment.check.v1', checkCommand(orderId, `${prefix}-${orderId}`), { correlationId: orderId });
    const [check] = await paymentsOf(orderId);
    expect(check).toMatchObject({ status: 'declined', declineReason: reason });
  });

  it('when the status call asks after an authorization, then the provider says what it holds now, expired or unknown', async () => {
    const provider = new PaymentProvider(createHttpClient({ name: 'status-test', baseUrl: sandboxUrl(), logger: createLogger('status-test') }));
    try {
      const { check } = await approvedOrder();
      expect(await provider.status(check.authorizationId)).toMatchObject({ status: 'approved', amount: 5000, expiresAt: check.authorizationExpiresAt });
      sandbox.control.expire(check.authorizationId);
      expect(await provider.status(check.authorizationId)).toMatchObject({ status: 'expired' });
      expect(await provider.status('auth_nothing')).toEqual({ id: 'auth_nothing', status: 'unknown' });
    } finally {
      provider.shutdown();
    }
  });
});
