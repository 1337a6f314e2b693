import { entry, moveTo } from '../order-steps';
import { reshipReturnedParcel } from '../reship';
import type { Reaction } from './reaction';

/** What the returns service reports: the customer sends goods back, the warehouse receives them. */

export const returnOpened: Reaction<'return.opened.v1'> = (order, fact, change) => {
  const { returnId, lines } = fact.data;
  change.timeline.push(entry(fact, 'return_opened', `return ${returnId}: ${lines.map((l) => `${l.quantity} × ${l.sku} (${l.reason})`).join(', ')}`));
  change.set.returns = [...order.returns.filter((r) => r.id !== returnId), { id: returnId, status: 'requested' }];
};

/**
 * Received: the goods are restocked (or written off) and the refund is asked for; a parcel returned to
 * sender that is shipped again (`reship`) refunds nothing and goes out as a replacement order.
 */
export const returnReceived: Reaction<'return.received.v1'> = (order, fact, change) => {
  const { returnId, locationId, lines, refundAmount, currency } = fact.data;
  if (order.returns.some((r) => r.id === returnId && r.status !== 'requested')) return;
  change.timeline.push(entry(fact, 'return_received', `return ${returnId} received at ${locationId}`));
  change.set.returns = [
    ...order.returns.filter((r) => r.id !== returnId),
    { id: returnId, status: 'received', ...(refundAmount > 0 ? { refund: { amount: refundAmount, currency } } : {}) },
  ];
  moveTo(order, change, 'returned', fact, 'returned by the customer');
  change.send.push({ type: 'stock.restock.v1', data: { orderId: order.id, returnId, locationId, lines } });
  if (fact.data.reship) reshipReturnedParcel(order, fact, change);
  if (refundAmount > 0) change.send.push({ type: 'payment.refund.v1', data: { orderId: order.checkKeys.payment, returnId, amount: refundAmount, currency } });
};
