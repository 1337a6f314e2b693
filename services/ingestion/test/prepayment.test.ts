import request from 'supertest';
import { deterministicId, type Broker, type CommandClient } from '@oms/messaging';
import { TestBus, TestStack, eventually, sampleOrder, type BrokerTap, type RunningService } from '@oms/testing';
import { definition } from '../src/service';

/**
 * Prepayment (bank transfer) orders in ingestion: waiting for the money, recording it, and the cancel of an
 * order whose money never came. payment-check is played by the test (its events on the broker).
 */
describe('ingestion: orders paid in advance by bank transfer', () => {
  let stack: TestStack;
  let service: RunningService<unknown>;
  let broker: Broker;
  let tap: BrokerTap;
  let commands: CommandClient;
  let bus: TestBus;

  beforeAll(async () => {
    stack = await TestStack.create();
    // Fifteen seconds to pay (in days), looked at twice a second.
    service = (await stack.start(definition, { PREPAYMENT_DAYS: String(15 / 86_400), PREPAYMENT_SWEEP_MS: '500' })) as RunningService<unknown>;
    bus = await TestBus.open(stack.amqpUrl);
    ({ broker, commands, tap } = bus);
  });
  afterAll(async () => {
    await bus.close();
    await stack.cleanup();
  });

  const getOrder = async (id: string) => (await request(service.url).get(`/internal/orders/${id}`)).body;
  const placeAwaiting = async (externalId: string) => {
    const o = sampleOrder({ externalId, payment: { method: 'Vorkasse', provider: 'bank', reference: externalId, amount: 4493 } });
    const id = deterministicId('order', o.channel, o.externalId);
    await broker.publish('order.received.v1', { orderId: id, order: o, receivedAt: new Date().toISOString(), actor: 'api-key:test' }, { correlationId: id });
    await eventually(async () => (await getOrder(id)).status === 'pending');
    await broker.publish('payment.awaiting.v1', { orderId: id, checkId: 'chk', amount: 4493, currency: 'EUR' }, { correlationId: id });
    return eventually(async () => {
      const stored = await getOrder(id);
      return stored.status === 'awaiting_payment' && stored;
    });
  };

  it('when the transfer is recorded, then payment-check is asked to count it; when it approves, the order goes on', async () => {
    const waiting = await placeAwaiting('WS-PRE-1');
    expect(waiting.payment.status).toBe('awaiting_payment');
    expect(waiting.totals.outstanding).toBe(4493);
    const id = waiting.id;
    const answer = await commands.send(
      'order.record-payment.v1',
      { orderId: id, amount: 4493, reference: 'SEPA-0815', actor: 'api-key:ops' },
      { correlationId: id },
    );
    expect(answer.status).toBe('done');
    const receive = await eventually(async () =>
      (await tap.drain('payment-check.commands')).find((m) => m.type === 'payment.receive.v1' && m.correlationId === id),
    );
    expect(receive.data).toEqual({ orderId: id, amount: 4493, currency: 'EUR', reference: 'SEPA-0815', actor: 'api-key:ops' });

    await broker.publish('stock.reserved.v1', { orderId: id, lines: [{ sku: 'TSHIRT-BLK-M', quantity: 2, locationId: 'berlin' }] }, { correlationId: id });
    await broker.publish(
      'payment.approved.v1',
      { orderId: id, checkId: 'chk', amount: 4493, currency: 'EUR', providerRef: 'bank transfer SEPA-0815' },
      { correlationId: id },
    );
    const ready = await eventually(async () => {
      const stored = await getOrder(id);
      return stored.status === 'ready_to_fulfill' && stored;
    });
    expect(ready.payment.status).toBe('captured');
    expect(ready.totals).toMatchObject({ paid: 4493, outstanding: 0 });
    expect(ready.timeline.map((t: { type: string }) => t.type)).toEqual(expect.arrayContaining(['payment_awaited', 'payment_recorded', 'payment_approved']));
  });

  it('when a payment is recorded for an order that waits for none, then it is refused with 409', async () => {
    const o = sampleOrder({ externalId: 'WS-CARD-1' });
    const id = deterministicId('order', o.channel, o.externalId);
    await broker.publish('order.received.v1', { orderId: id, order: o, receivedAt: new Date().toISOString(), actor: 'api-key:test' }, { correlationId: id });
    await eventually(async () => (await getOrder(id)).status === 'pending');
    await expect(
      commands.send('order.record-payment.v1', { orderId: id, amount: 4493, reference: 'SEPA-1', actor: 'api-key:ops' }, { correlationId: id }),
    ).rejects.toMatchObject({ status: 409, message: expect.stringContaining('waits for no payment') });
  });

  it('when no money comes within the days allowed, then the order is cancelled: stock released and payment voided', async () => {
    const waiting = await placeAwaiting('WS-PRE-2');
    const cancelled = await eventually(async () => {
      const stored = await getOrder(waiting.id);
      return stored.status === 'cancelled' && stored;
    }, 30000);
    expect(cancelled.timeline).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'cancel_requested', actor: 'system:prepayment-expiry', detail: expect.stringContaining('no payment received') }),
      ]),
    );
    const voided = await eventually(async () =>
      (await tap.drain('payment-check.commands')).find((m) => m.type === 'payment.void.v1' && m.correlationId === waiting.id),
    );
    expect(voided.data).toEqual({ orderId: waiting.id });
  }, 40000);
});
