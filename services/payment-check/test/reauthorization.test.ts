import { randomUUID } from 'node:crypto';
import type { CommandClient } from '@oms/messaging';
import { createPaymentSandbox, serve, type PaymentSandbox, type RunningSandbox } from '@oms/sandboxes';
import { TestBus, TestStack, eventually, type BrokerTap } from '@oms/testing';
import { definition } from '../src/service';

/** Authorizations renewed before they expire, by payment-check's own sweep, against the real stack. */
describe('payment-check re-authorization before expiry', () => {
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
    // Renew what expires within a minute, looking twice a second.
    const running = await stack.start(definition, { PAYMENT_PROVIDER_URL: provider.url, REAUTHORIZE_BEFORE_MS: '60000', REAUTHORIZE_SWEEP_MS: '500' });
    url = running.url;
    bus = await TestBus.open(stack.amqpUrl, ['payment.#']);
    ({ commands, tap } = bus);
  });

  afterAll(async () => {
    await bus?.close();
    await stack.cleanup();
    await provider?.close();
  });

  const paymentOf = async (orderId: string): Promise<Record<string, any>> =>
    ((await (await fetch(`${url}/internal/payments?orderId=${encodeURIComponent(orderId)}`)).json()) as Array<Record<string, any>>)[0]!;
  const check = async (amount = 5000) => {
    const orderId = `ord-${randomUUID()}`;
    // This authorization lasts 20 s, inside the renewal window; the renewal lasts the usual 7 days.
    sandbox.control.nextAuthorizationTtlMs = 20_000;
    await commands.send(
      'payment.check.v1',
      { orderId, amount, currency: 'EUR', provider: 'sandbox', method: 'card', reference: `ref-${orderId}` },
      { correlationId: orderId },
    );
    return { orderId, first: await paymentOf(orderId) };
  };

  it('when an authorization of an order not yet shipped is about to expire, then it is renewed once, the old one voided, and the order told', async () => {
    const { orderId, first } = await check();
    const renewed = (await eventually(async () => {
      const p = await paymentOf(orderId);
      return p.reauthorizedFrom === first.authorizationId && p;
    }, 15000)) as Record<string, any>;
    expect(renewed).toMatchObject({ status: 'approved', authorizationId: expect.not.stringMatching(first.authorizationId) });
    expect(Date.parse(renewed.authorizationExpiresAt) - Date.now()).toBeGreaterThan(6 * 24 * 3600 * 1000);
    expect(sandbox.control.authorizations().find((a) => a.id === first.authorizationId)?.status).toBe('voided');
    const event = await eventually(() => tap.events('payment.reauthorized.v1', orderId)[0]);
    expect(event.data).toMatchObject({ authorizationId: renewed.authorizationId, replaced: first.authorizationId });
    // Not renewed again: the new one is far from its expiry.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(tap.events('payment.reauthorized.v1', orderId)).toHaveLength(1);
  });

  it('when the provider declines the renewal, then the order is told once and the sweep does not ask again', async () => {
    const { orderId } = await check(5000);
    sandbox.control.declineAbove = 1000;
    try {
      const declined = await eventually(() => tap.events('payment.reauthorization-declined.v1', orderId)[0], 15000);
      expect(declined.data).toMatchObject({ reason: 'amount_limit_exceeded', expiresAt: expect.any(String) });
      const asked = sandbox.control.calls.authorizations;
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(sandbox.control.calls.authorizations).toBe(asked);
      expect(await paymentOf(orderId)).toMatchObject({ status: 'approved' });
    } finally {
      sandbox.control.declineAbove = undefined;
    }
  });
});
