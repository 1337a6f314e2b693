import type { Fact } from '@oms/contracts';
import { Refusal } from '@oms/errors';
import { noChange, type OrderChange, type OrderState } from './order';
import { entry, money } from './order-steps';

/**
 * A transfer received for a prepayment order (ops, or a bank import through the API): payment-check counts
 * it under the order's payment key; when the money received covers the amount the payment is approved and
 * the order goes on. Refused for an order that waits for no payment.
 */
export function recordPayment(order: OrderState, fact: Fact<'order.record-payment.v1'>): OrderChange {
  const { amount, currency = order.currency, reference, actor } = fact.data;
  if (order.checks.payment !== 'awaiting')
    throw new Refusal('conflict', `Order ${order.id} waits for no payment (its payment is ${order.checks.payment})`, undefined, {
      orderStatus: order.status,
    });
  if (currency !== order.currency)
    throw new Refusal('invalid', 'The payment is in another currency than the order', [{ path: 'currency', message: `the order is in ${order.currency}` }]);
  const change = noChange();
  change.timeline.push(entry(fact, 'payment_recorded', `${money(amount, currency)} received (${reference})`, { actor }));
  change.send.push({ type: 'payment.receive.v1', data: { orderId: order.checkKeys.payment, amount, currency, reference, actor } });
  return change;
}
