import type { Fact } from '@oms/contracts';
import { Refusal } from '@oms/errors';
import { noChange, type OrderChange, type OrderState } from './order';
import { entry, moveTo } from './order-steps';

/**
 * Ops reject an order held for a fraud review: it is rejected at once and its stock released; payment-check
 * voids the authorization and reports the payment declined, with who decided. Only a review can be rejected
 * this way (other orders are cancelled); a repeat of the rejection changes nothing.
 */
export function rejectOrder(order: OrderState, fact: Fact<'order.reject.v1'>): OrderChange {
  const { note, actor } = fact.data;
  if (order.status === 'rejected' && order.timeline.some((e) => e.type === 'review_rejected')) return noChange();
  if (!order.holds.some((h) => h.reason === 'payment_review'))
    throw new Refusal(
      'conflict',
      `Only an order held for a payment review can be rejected; this one is ${order.status}${holdsOf(order)}: cancel it instead`,
      undefined,
      {
        orderStatus: order.status,
      },
    );
  const change = noChange();
  change.timeline.push(entry(fact, 'review_rejected', note ?? 'rejected in fraud review', { actor }));
  change.set.holds = order.holds.filter((h) => h.reason !== 'payment_review');
  moveTo(order, change, 'rejected', fact, `rejected in fraud review by ${actor}${note ? `: ${note}` : ''}`);
  change.send.push({ type: 'stock.release.v1', data: { orderId: order.checkKeys.stock } });
  if (order.checks.payment === 'review')
    change.send.push({ type: 'payment.decide-review.v1', data: { orderId: order.checkKeys.payment, decision: 'reject', actor, ...(note ? { note } : {}) } });
  return change;
}

const holdsOf = (order: OrderState) => (order.holds.length ? ` (holds: ${order.holds.map((h) => h.reason).join(', ')})` : '');
