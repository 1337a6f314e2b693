import { entry, isClosed, moveTo, pendingFulfillment } from '../order-steps';
import type { Reaction } from './reaction';

/** What fulfillment reports about the order's work in the warehouses. */

export const fulfillmentOpened: Reaction<'fulfillment.opened.v1'> = (order, fact, change) => {
  const { fulfillmentId, locationId } = fact.data;
  if (order.fulfillments.some((f) => f.id === fulfillmentId)) return;
  change.timeline.push(entry(fact, 'fulfillment_opened', `fulfillment ${fulfillmentId} at ${locationId}`));
  // A fulfillment asked for after a short pick was registered as pending; it now has its id.
  change.set.fulfillments = [...order.fulfillments.filter((f) => f.id !== pendingFulfillment(locationId)), { id: fulfillmentId, locationId, status: 'open' }];
  // Opened after the order was cancelled (the cancel overtook the open): the warehouse must not work on it.
  if (isClosed(order)) change.send.push({ type: 'fulfillment.cancel.v1', data: { orderId: order.id } });
};

export const fulfillmentShortPicked: Reaction<'fulfillment.short-picked.v1'> = (order, fact, change) => {
  const { fulfillmentId, locationId, lines, emptied, actor } = fact.data;
  const missing = lines.map((l) => `${l.missing} × ${l.sku}`).join(', ');
  change.timeline.push(entry(fact, 'short_pick', `${missing} missing on the shelf at ${locationId} (fulfillment ${fulfillmentId})`, { actor }));
  if (emptied) change.set.fulfillments = order.fulfillments.map((f) => (f.id === fulfillmentId ? { ...f, status: 'cancelled' as const } : f));
  if (isClosed(order)) return;
  change.send.push({
    type: 'stock.short-pick.v1',
    data: {
      orderId: order.checkKeys.stock,
      locationId,
      lines,
      shipTo: { country: order.shippingAddress.country, postalCode: order.shippingAddress.postalCode },
      // A location with a fulfillment of this order cannot take more of it (one fulfillment per location).
      excludeLocationIds: [...new Set(order.fulfillments.map((f) => f.locationId))],
    },
  });
};

export const fulfillmentCancelled: Reaction<'fulfillment.cancelled.v1'> = (order, fact, change) => {
  const { fulfillmentIds } = fact.data;
  change.timeline.push(entry(fact, 'fulfillment_cancelled', fulfillmentIds.join(', ')));
  change.set.fulfillments = order.fulfillments.map((f) => (fulfillmentIds.includes(f.id) ? { ...f, status: 'cancelled' as const } : f));
};

/**
 * Packed: the parcel is booked with the carrier, and once every fulfillment is packed the goods leave the
 * stock. A parcel packed after the order was cancelled (the pack raced the cancel) is not booked: its
 * reservation was released and its payment voided, so the goods go back to the shelf.
 */
export const fulfillmentPacked: Reaction<'fulfillment.packed.v1'> = (order, fact, change) => {
  const { fulfillmentId, locationId, lines, actor } = fact.data;
  change.timeline.push(entry(fact, 'fulfillment_packed', `fulfillment ${fulfillmentId} packed at ${locationId}`, { actor }));
  const known = order.fulfillments.some((f) => f.id === fulfillmentId);
  const fulfillments = known
    ? order.fulfillments.map((f) => (f.id === fulfillmentId ? { ...f, status: 'packed' as const } : f))
    : [...order.fulfillments, { id: fulfillmentId, locationId, status: 'packed' as const }];
  change.set.fulfillments = fulfillments;
  if (isClosed(order)) {
    change.timeline.push(
      entry(fact, 'shipment_refused', `the order is ${order.status}: fulfillment ${fulfillmentId} is not shipped; put its goods back`, {
        service: 'ingestion',
      }),
    );
    return;
  }
  change.send.push({
    type: 'shipment.book.v1',
    data: { orderId: order.id, fulfillmentId, locationId, shippingAddress: order.shippingAddress, shippingMethod: order.shipping.method, lines },
  });
  if (fulfillments.every((f) => f.status !== 'open') && moveTo(order, change, 'packed', fact)) {
    change.send.push({ type: 'stock.consume.v1', data: { orderId: order.checkKeys.stock } });
  }
};
