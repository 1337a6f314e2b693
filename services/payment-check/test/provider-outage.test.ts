import { randomUUID } from 'node:crypto';
import { createPaymentSandbox, serve, type PaymentSandbox, type RunningSandbox } from '@oms/sandboxes';
import { TestBus, TestStack, eventually, type BrokerTap } from '@oms/testing';
import { definition } from '../src/service';

/**
 * A provider outage longer than the consumer's few attempts for a bug: the circuit breaker opens (calls stop
 * reaching the provider), the checks wait (retried, never dead-lettered, never approved while it is down),
 * and when the provider is back they are approved, once each.
 */
describe('payment-check during a provider outage', () => {
  let stack: TestStack;
  let sandbox: PaymentSandbox;
  let provider: RunningSandbox;
  let url: string;
  let bus: TestBus;
  let tap: BrokerTap;

  beforeAll(async () => {
    stack = await TestStack.create();
    sandbox = createPaymentSandbox();
    provider = await serve(sandbox.app);
    // Two attempts for a bug: an outage must not count as one. Short retry delays keep the test short.
    const running = await stack.start(definition, { PAYMENT_PROVIDER_URL: provider.url, AMQP_MAX_ATTEMPTS: '2', AMQP_RETRY_DELAYS_MS: '300,1000' });
    url = running.url;
    bus = await TestBus.open(stack.amqpUrl, ['payment.#']);
    ({ tap } = bus);
  });

  afterAll(async () => {
    await bus?.close();
    await stack.cleanup();
    await provider?.close();
  });

  const paymentsOf = async (orderId: string): Promise<Array<Record<string, any>>> =>
    (await (await fetch(`${url}/internal/payments?orderId=${encodeURIComponent(orderId)}`)).json()) as Array<Record<string, any>>;

  it('when the provider is down for a while, then the breaker opens, nothing is approved or dead-lettered meanwhile, and every check is approved once after', async () => {
    sandbox.control.failNext(1_000_000, 503);
    const orders = Array.from({ length: 3 }, () => `ord-${randomUUID()}`);
    for (const orderId of orders)
      await bus.broker.publish(
        'payment.check.v1',
        { orderId, amount: 2500, currency: 'EUR', provider: 'sandbox', method: 'card', reference: `ref-${orderId}` },
        { correlationId: orderId },
      );
    // Failing calls reach the provider until the breaker opens; then they stop, though the checks are retried.
    await eventually(() => sandbox.control.calls.total >= 5, 20000);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const whileOpen = sandbox.control.calls.total;
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(sandbox.control.calls.total - whileOpen).toBeLessThanOrEqual(1);
    for (const orderId of orders) expect(await paymentsOf(orderId)).toEqual([]);
    expect(orders.flatMap((o) => tap.events('payment.approved.v1', o))).toEqual([]);

    // Back: the breaker lets a trial call through after its reset timeout (10 s), and the checks go on.
    sandbox.control.failNext(0);
    for (const orderId of orders) {
      const [check] = (await eventually(async () => {
        const checks = await paymentsOf(orderId);
        return checks.length > 0 && checks;
      }, 60000)) as Array<Record<string, any>>;
      expect(check).toMatchObject({ status: 'approved' });
      await eventually(() => tap.events('payment.approved.v1', orderId).length === 1, 10000);
    }
    // Approved after ~15 s of failures with two attempts allowed for a bug: none was dead-lettered.
    expect(sandbox.control.authorizations().filter((a) => orders.some((o) => a.reference === `ref-${o}`))).toHaveLength(3);
  }, 90000);
});
