import type { CanonicalOrder, Fact, ShippingCoverage } from '@oms/contracts';
import { addressChecked } from './address-hold';
import { initialCheckKeys } from './check-keys';
import { amountMismatch, expectedAmount, noChange, type OrderChange, type OrderState } from './order';
import { moveTo, paymentCheckCommand, reserveCommand } from './order-steps';

/**
 * The order as first stored, and the checks it starts: the address check here and now, stock reservation and
 * payment check (with fraud screening) at once, unless the payment does not cover the amount due, the total
 * less gift cards (then it waits on hold, and no check starts). An address that cannot be delivered to holds
 * the order `address_invalid` while the other checks run.
 */
export function acceptOrder(
  orderId: string,
  order: CanonicalOrder,
  fact: Fact<'order.received.v1'>,
  coverage: ShippingCoverage,
): { state: OrderState; change: OrderChange } {
  const state: OrderState = {
    ...order,
    id: orderId,
    status: 'received',
    holds: [],
    checks: { stock: 'pending', payment: 'pending' },
    checkKeys: initialCheckKeys(orderId),
    allocation: [],
    fulfillments: [],
    shipments: [],
    returns: [],
    timeline: [],
    // One format for every order (the list is sorted and paged by it as a string).
    createdAt: new Date(fact.data.receivedAt).toISOString(),
  };
  const change = noChange();
  change.timeline.push({
    at: fact.data.receivedAt,
    type: 'order_received',
    service: fact.producer,
    actor: fact.data.actor,
    status: 'received',
    detail: `via channel ${order.channel}`,
  });
  change.send.push({ type: 'order.accepted.v1', data: { orderId, channel: order.channel, externalId: order.externalId, status: 'pending' } });
  const address = addressChecked(state, coverage, fact);
  change.timeline.push(address.timeline);
  if (order.payment.amount !== expectedAmount(order)) {
    const detail = amountMismatch(order, order.payment.amount);
    change.set.holds = [...address.holds, { reason: 'amount_mismatch', detail, at: fact.occurredAt }];
    change.set.checks = { stock: 'none', payment: 'none' };
    moveTo(state, change, 'on_hold', fact, 'amount_mismatch');
    return { state, change };
  }
  moveTo(state, change, 'pending', fact);
  change.send.push(reserveCommand(orderId, order));
  change.send.push(paymentCheckCommand(orderId, state));
  if (address.holds.length > 0) {
    change.set.holds = address.holds;
    moveTo(state, change, 'on_hold', fact, 'address_invalid');
  }
  return { state, change };
}
