import { randomUUID } from 'node:crypto';
import { DEFAULT_FRAUD_RULES, type FraudRules, type RiskSignals } from '@oms/contracts';
import type { CommandClient } from '@oms/messaging';
import { createPaymentSandbox, serve, type PaymentSandbox, type RunningSandbox } from '@oms/sandboxes';
import { createRedis } from '@oms/redis';
import { TEST_REDIS_URL, TestBus, TestStack, eventually, type BrokerTap } from '@oms/testing';
import { VelocityCounter } from '../src/data-access/velocity-counter';
import { definition } from '../src/service';

/** Fraud screening inside the payment check, against the real broker, store and Redis (velocity). */
describe('payment-check fraud screening', () => {
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
    // No rules cache: each test's rules count from its first order.
    const running = await stack.start(definition, { PAYMENT_PROVIDER_URL: provider.url, FRAUD_RULES_CACHE_MS: '0' });
    url = running.url;
    bus = await TestBus.open(stack.amqpUrl, ['payment.#', 'command.refused.v1']);
    ({ commands, tap } = bus);
  });

  afterAll(async () => {
    await bus?.close();
    await stack.cleanup();
    await provider?.close();
  });

  const META = { correlationId: 'fraud-test' };
  const setRules = async (rules: FraudRules) => {
    const out = await commands.send('fraud.set-rules.v1', { rules, actor: 'test' }, META);
    expect(out.status).toBe('done');
  };
  beforeEach(() => setRules(DEFAULT_FRAUD_RULES));

  /** A customer of their own per test: the velocity and history of one test never reach another. */
  const customer = () => {
    const id = randomUUID().slice(0, 8);
    return {
      email: `kunde-${id}@example.de`,
      shippingAddress: { name: 'Kunde', line1: `Teststraße ${id}`, postalCode: '10115', city: 'Berlin', country: 'DE' },
      shippingMethod: 'standard',
      total: 5000,
    } satisfies RiskSignals;
  };
  const check = async (risk: RiskSignals, method = 'card') => {
    const orderId = `ord-${randomUUID()}`;
    const out = await commands.send(
      'payment.check.v1',
      { orderId, amount: risk.total, currency: 'EUR', provider: 'sandbox', method, reference: `ref-${orderId}`, risk },
      { correlationId: orderId },
    );
    expect(out.status).toBe('done');
    const res = await fetch(`${url}/internal/payments?orderId=${orderId}`);
    const [stored] = (await res.json()) as Array<Record<string, any>>;
    return { orderId, stored };
  };
  const event = (type: string, orderId: string) => eventually(() => tap.events(type, orderId)[0]);

  it('when an ordinary order is screened, then it is approved with score 0 and the screening on the event', async () => {
    const { orderId, stored } = await check(customer());
    expect(stored).toMatchObject({ status: 'approved', screening: { score: 0, outcome: 'approve', reasons: [] } });
    const approved = await event('payment.approved.v1', orderId);
    expect(approved.data.screening).toMatchObject({ score: 0, outcome: 'approve', durationMs: expect.any(Number) });
  });

  it('when the email is blocklisted, then the payment is declined without asking the provider', async () => {
    const risk = customer();
    const blocked = await commands.send('fraud.block.v1', { kind: 'email', value: risk.email.toUpperCase(), reason: 'chargebacks', actor: 'test' }, META);
    expect(blocked).toMatchObject({ status: 'done', result: { kind: 'email', value: risk.email, reason: 'chargebacks', addedBy: 'test' } });
    const before = sandbox.control.calls.authorizations;
    const { orderId, stored } = await check(risk);
    expect(sandbox.control.calls.authorizations).toBe(before);
    expect(stored).toMatchObject({ status: 'declined', screening: { score: 100, outcome: 'reject' } });
    const declined = await event('payment.declined.v1', orderId);
    expect(declined.data.reason).toMatch(/^rejected by fraud screening: score 100; blocklisted email kunde-/);
  });

  it('when a review is needed, then the payment is authorized but in_review; approving it reports it approved, with who', async () => {
    const risk = { ...customer(), email: `kunde-${randomUUID().slice(0, 6)}@mailinator.com`, billingCountry: 'NL' as const };
    const { orderId, stored } = await check(risk);
    expect(stored).toMatchObject({ status: 'in_review', authorizationId: expect.any(String), screening: { score: 60, outcome: 'review' } });
    const held = await event('payment.review.v1', orderId);
    expect(held.data.screening.reasons).toEqual([expect.stringMatching(/^disposable email domain/), expect.stringMatching(/^billing country NL/)]);

    const decided = await commands.send('payment.decide-review.v1', { orderId, decision: 'approve', actor: 'ops-anna', note: 'known customer' }, META);
    expect(decided.status).toBe('done');
    const approved = await event('payment.approved.v1', orderId);
    expect(approved.data).toMatchObject({ providerRef: stored.authorizationId, reviewedBy: 'ops-anna' });
    // The same decision again is a repeat; the other one is refused, visibly.
    await commands.send('payment.decide-review.v1', { orderId, decision: 'approve', actor: 'ops-anna' }, META);
    await expect(commands.send('payment.decide-review.v1', { orderId, decision: 'reject', actor: 'ops-ben' }, META)).rejects.toMatchObject({
      status: 409,
      detail: 'the review was decided already (approve)',
    });
  });

  it('when a review is rejected, then the authorization is voided at the provider and the payment declined, with who and why', async () => {
    const risk = { ...customer(), email: `kunde-${randomUUID().slice(0, 6)}@mailinator.com`, billingCountry: 'AT' as const };
    const { orderId } = await check(risk);
    const voids = sandbox.control.calls.voids;
    await commands.send('payment.decide-review.v1', { orderId, decision: 'reject', actor: 'ops-anna', note: 'address is a parcel shop' }, META);
    const declined = await event('payment.declined.v1', orderId);
    expect(declined.data).toMatchObject({ reason: 'rejected in fraud review by ops-anna: address is a parcel shop', reviewedBy: 'ops-anna' });
    expect(sandbox.control.calls.voids - voids).toBe(1);
  });

  it('when the same customer orders more often than the velocity limit, then the orders over it score', async () => {
    await setRules({
      ...DEFAULT_FRAUD_RULES,
      velocity: { ...DEFAULT_FRAUD_RULES.velocity, weight: 60, limits: { ...DEFAULT_FRAUD_RULES.velocity.limits, email: 2 } },
    });
    const risk = customer();
    // Each order to a new street, so that only the email repeats.
    const street = (n: number) => ({ ...risk, shippingAddress: { ...risk.shippingAddress, line1: `Weg ${n}` } });
    const first = await check(street(1));
    expect(first.stored.screening.score).toBe(0);
    const second = await check(street(2));
    expect(second.stored.screening.score).toBe(0);
    const third = await check(street(3));
    expect(third.stored).toMatchObject({ status: 'in_review', screening: { score: 60, reasons: ['3 orders with this email in 60 min (limit 2) (+60)'] } });
  });

  it('when a check is counted again (its screening retried after a crash), then it counts once; entries older than the window drop out', async () => {
    const redis = createRedis(TEST_REDIS_URL, `fraud-test-${randomUUID()}:`);
    try {
      const counter = new VelocityCounter(redis);
      const values = { email: 'a@b.de' };
      expect(await counter.count('chk-1', values, 60_000, 1_000_000)).toEqual({ email: 1 });
      expect(await counter.count('chk-1', values, 60_000, 1_000_100)).toEqual({ email: 1 });
      expect(await counter.count('chk-2', values, 60_000, 1_000_200)).toEqual({ email: 2 });
      expect(await counter.count('chk-3', values, 60_000, 1_060_150)).toEqual({ email: 2 });
    } finally {
      redis.disconnect();
    }
  });

  it('when an order is far above the customer’s average, then the high-value rule fires', async () => {
    await setRules({ ...DEFAULT_FRAUD_RULES, highValue: { ...DEFAULT_FRAUD_RULES.highValue, weight: 50 } });
    const risk = customer();
    await check(risk);
    const big = await check({ ...risk, total: 30_000 });
    expect(big.stored).toMatchObject({
      status: 'in_review',
      screening: { reasons: [expect.stringMatching(/more than 5 × the customer's average 5000 over 1 earlier orders/)] },
    });
  });

  it('when the rules are replaced, then the internal query shows them with who changed them; bad rules are refused', async () => {
    const rules = { ...DEFAULT_FRAUD_RULES, reviewAt: 40 };
    await setRules(rules);
    const res = await fetch(`${url}/internal/fraud/rules`);
    expect(await res.json()).toMatchObject({ rules, updatedBy: 'test' });
    // The contract refuses them before they are sent (the gateway answers 422 with the same words).
    await expect(commands.send('fraud.set-rules.v1', { rules: { ...rules, reviewAt: 200 }, actor: 'test' }, META)).rejects.toThrow(
      /rules.reviewAt: reviewAt must be below rejectAt/,
    );
  });

  it('when a value is taken off the blocklist, then it no longer counts; taking it off again is 404', async () => {
    const risk = customer();
    await commands.send('fraud.block.v1', { kind: 'address', value: `de:10115:${risk.shippingAddress.line1}`, actor: 'test' }, META);
    const listed = await fetch(`${url}/internal/fraud/blocklist/address/${encodeURIComponent(`DE:10115:${risk.shippingAddress.line1}`)}`);
    expect(listed.status).toBe(200);
    const removed = await commands.send('fraud.unblock.v1', { kind: 'address', value: `DE:10115:${risk.shippingAddress.line1}`, actor: 'test' }, META);
    expect(removed).toMatchObject({ status: 'done', result: { removed: true } });
    await expect(
      commands.send('fraud.unblock.v1', { kind: 'address', value: `DE:10115:${risk.shippingAddress.line1}`, actor: 'test' }, META),
    ).rejects.toMatchObject({
      status: 404,
    });
    const { stored } = await check(risk);
    expect(stored.screening.score).toBe(0);
  });
});
