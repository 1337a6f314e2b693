import type { Fact, MessageType } from '@oms/contracts';
import { Refusal } from '@oms/errors';
import { noChange, type OrderChange, type OrderState } from './order';
import { entry, moveTo } from './order-steps';
import { CANCELLABLE } from './order-status';

/** Cancel before anything left the shelf: the reservation, the authorization and open fulfillments are given back. */
export function cancelOrder(order: OrderState, fact: Fact<'order.cancel.v1'>): OrderChange {
  if (order.status === 'cancelled') return noChange();
  if (!CANCELLABLE.includes(order.status))
    throw new Refusal('conflict', `An order that is ${order.status} can no longer be cancelled`, undefined, { orderStatus: order.status });
  const change = noChange();
  change.timeline.push(entry(fact, 'cancel_requested', fact.data.reason, { actor: fact.data.actor }));
  cancelAndGiveBack(order, change, fact, fact.data.reason);
  return change;
}

/** The order is cancelled: its reservation, its authorization and the warehouse's work not done are given back. */
export function cancelAndGiveBack(order: OrderState, change: OrderChange, fact: Pick<Fact<MessageType>, 'occurredAt' | 'producer'>, reason: string): void {
  if (!moveTo(order, change, 'cancelled', fact, reason)) return;
  change.send.push({ type: 'stock.release.v1', data: { orderId: order.checkKeys.stock } });
  change.send.push({ type: 'payment.void.v1', data: { orderId: order.checkKeys.payment } });
  change.send.push({ type: 'fulfillment.cancel.v1', data: { orderId: order.id } });
}
