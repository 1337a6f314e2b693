import type { Broker } from '@oms/messaging';
import type { OrderRepository } from '../data-access/order-repository';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface PrepaymentExpiryDeps {
  orders: OrderRepository;
  broker: Broker;
}

/**
 * Cancel every order that has waited longer than `days` for its prepayment: a cancel command per order,
 * through ingestion's own queue, so the cancel is the one every other cancel is (stock released, payment
 * voided, under the order's lock, once). Several replicas may send the same cancel: the second changes nothing.
 */
export async function expirePrepayments(deps: PrepaymentExpiryDeps, days: number, now = Date.now()): Promise<number> {
  const expired = await deps.orders.awaitingPaymentBefore(new Date(now - days * DAY_MS).toISOString());
  for (const orderId of expired)
    await deps.broker.publish(
      'order.cancel.v1',
      { orderId, reason: `no payment received within ${days} days`, actor: 'system:prepayment-expiry' },
      { correlationId: orderId },
    );
  return expired.length;
}
