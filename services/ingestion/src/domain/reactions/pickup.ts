import { cancelAndGiveBack } from '../cancel-order';
import { notifyReadyForPickup } from '../notifications';
import { entry, moveTo } from '../order-steps';
import { withStatus } from './fulfillment';
import type { Reaction } from './reaction';
import { captureAtShipment, paidForReturns } from './shipment';

/** Click & collect: what the store reports about an order its customer picks up. */

/** The goods wait at the store (the channel tells the customer the code, from the event). */
export const fulfillmentReadyForPickup: Reaction<'fulfillment.ready-for-pickup.v1'> = (order, fact, change) => {
  const { fulfillmentId, locationId, actor } = fact.data;
  change.timeline.push(entry(fact, 'ready_for_pickup', `at ${locationId} (fulfillment ${fulfillmentId}); pickup code sent to the customer`, { actor }));
  change.set.fulfillments = withStatus(order, fulfillmentId, locationId, 'ready_for_pickup');
  moveTo(order, change, 'ready_for_pickup', fact);
  // Every code issued goes to the customer (a new one replaces the last).
  notifyReadyForPickup(order, change, fact);
};

/**
 * Collected: the customer has the goods. The money is taken now (as at shipment for a parcel), the goods
 * leave the stock, and the order is delivered (returns may follow).
 */
export const fulfillmentCollected: Reaction<'fulfillment.collected.v1'> = (order, fact, change) => {
  const { fulfillmentId, locationId, actor } = fact.data;
  change.timeline.push(entry(fact, 'collected', `at ${locationId} (fulfillment ${fulfillmentId})`, { actor }));
  change.set.fulfillments = withStatus(order, fulfillmentId, locationId, 'collected');
  if (!moveTo(order, change, 'delivered', fact, 'collected by the customer')) return;
  captureAtShipment(order, change, fact, 'at collection');
  change.send.push({ type: 'stock.consume.v1', data: { orderId: order.checkKeys.stock } });
  change.send.push({ type: 'order.delivered.v1', data: { orderId: order.id, channel: order.channel, currency: order.currency, ...paidForReturns(order) } });
};

export const fulfillmentPickupOverdue: Reaction<'fulfillment.pickup-overdue.v1'> = (_order, fact, change) => {
  const { locationId, days } = fact.data;
  change.timeline.push(entry(fact, 'pickup_overdue', `waiting at ${locationId} for ${days} days: the customer is reminded`));
};

/** Not collected in time: cancelled like any cancel (stock released, authorization voided, goods back on the shelf). */
export const fulfillmentPickupExpired: Reaction<'fulfillment.pickup-expired.v1'> = (order, fact, change) => {
  const { locationId, days } = fact.data;
  const reason = `not collected at ${locationId} within ${days} days`;
  change.timeline.push(entry(fact, 'pickup_expired', reason));
  cancelAndGiveBack(order, change, fact, reason);
};
