import type { OrderState } from '../order';
import { entry, isClosed, moveTo, pendingFulfillment } from '../order-steps';
import type { Reaction } from './reaction';

/** What fulfillment reports about the order's work in the warehouses. */

export const fulfillmentOpened: Reaction<'fulfillment.opened.v1'> = (order, fact, change) => {
  const { fulfillmentId, locationId } = fact.data;
  const known = order.fulfillments.find((f) => f.id === fulfillmentId);
  // Opened again (a short pick had emptied it; a substitute is to be picked there): work to do once more.
  if (known?.status === 'cancelled' && !isClosed(order)) {
    change.timeline.push(entry(fact, 'fulfillment_opened', `fulfillment ${fulfillmentId} at ${locationId}, opened again`));
    change.set.fulfillments = order.fulfillments.map((f) => (f.id === fulfillmentId ? { ...f, status: 'open' as const } : f));
    return;
  }
  if (known) return;
  change.timeline.push(entry(fact, 'fulfillment_opened', `fulfillment ${fulfillmentId} at ${locationId}`));
  // A fulfillment asked for after a short pick was registered as pending; it now has its id.
  change.set.fulfillments = [...order.fulfillments.filter((f) => f.id !== pendingFulfillment(locationId)), { id: fulfillmentId, locationId, status: 'open' }];
  // Opened after the order was cancelled (the cancel overtook the open): the warehouse must not work on it.
  if (isClosed(order)) change.send.push({ type: 'fulfillment.cancel.v1', data: { orderId: order.id } });
  // Opened while the order is held (it went on hold after it was released to the warehouse): it waits.
  if (order.status === 'on_hold')
    change.send.push({
      type: 'fulfillment.set-order-hold.v1',
      data: { orderId: order.id, held: true, reason: order.holds.map((h) => h.reason).join(', '), version: order.timeline.length + change.timeline.length },
    });
};

/** The fulfillment's status as the order keeps it, for one that may not be known yet (its open overtaken). */
export function withStatus(order: OrderState, fulfillmentId: string, locationId: string, status: OrderState['fulfillments'][number]['status']) {
  const known = order.fulfillments.some((f) => f.id === fulfillmentId);
  return known
    ? order.fulfillments.map((f) => (f.id === fulfillmentId ? { ...f, status } : f))
    : [...order.fulfillments, { id: fulfillmentId, locationId, status }];
}

export const fulfillmentPicking: Reaction<'fulfillment.picking.v1'> = (order, fact, change) => {
  const { fulfillmentId, locationId, pickListId, actor } = fact.data;
  change.timeline.push(entry(fact, 'picking', `fulfillment ${fulfillmentId} at ${locationId}${pickListId ? ` on pick list ${pickListId}` : ''}`, { actor }));
  change.set.fulfillments = withStatus(order, fulfillmentId, locationId, 'picking');
};

export const fulfillmentPicked: Reaction<'fulfillment.picked.v1'> = (order, fact, change) => {
  const { fulfillmentId, locationId, actor } = fact.data;
  change.timeline.push(entry(fact, 'picked', `fulfillment ${fulfillmentId} at ${locationId}: every unit found`, { actor }));
  const current = order.fulfillments.find((f) => f.id === fulfillmentId);
  if (!current || current.status === 'open') change.set.fulfillments = withStatus(order, fulfillmentId, locationId, 'picking');
};

export const fulfillmentHandedOver: Reaction<'fulfillment.handed-over.v1'> = (order, fact, change) => {
  const { fulfillmentId, locationId, actor } = fact.data;
  change.timeline.push(entry(fact, 'handed_over', `fulfillment ${fulfillmentId} left ${locationId} with the carrier`, { actor }));
  change.set.fulfillments = withStatus(order, fulfillmentId, locationId, 'handed_over');
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
  const { fulfillmentId, locationId, lines, parcels, actor } = fact.data;
  const inParcels = parcels && parcels.length > 1 ? ` in ${parcels.length} parcels` : '';
  change.timeline.push(entry(fact, 'fulfillment_packed', `fulfillment ${fulfillmentId} packed at ${locationId}${inParcels}`, { actor }));
  const fulfillments = withStatus(order, fulfillmentId, locationId, 'packed');
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
    data: {
      orderId: order.id,
      fulfillmentId,
      locationId,
      shippingAddress: order.shippingAddress,
      shippingMethod: order.shipping.method,
      lines,
      ...(parcels ? { parcels } : {}),
    },
  });
  if (fulfillments.every((f) => f.status !== 'open' && f.status !== 'picking') && moveTo(order, change, 'packed', fact)) {
    change.send.push({ type: 'stock.consume.v1', data: { orderId: order.checkKeys.stock } });
  }
};
