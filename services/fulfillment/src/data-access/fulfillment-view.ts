import type { FulfillmentDoc } from './fulfillment-model';

const iso = (d?: Date) => (d ? new Date(d).toISOString() : undefined);

/** What callers (the gateway, the packer's answer) see of a fulfillment: no outbox or message bookkeeping. */
export function toFulfillmentView(doc: FulfillmentDoc) {
  return {
    id: doc._id,
    orderId: doc.orderId,
    locationId: doc.locationId,
    status: doc.status,
    lines: doc.lines.map(({ sku, quantity }) => ({ sku, quantity })),
    shippingAddress: doc.shippingAddress,
    shippingMethod: doc.shippingMethod,
    shipBy: iso(doc.shipBy),
    createdAt: iso(doc.createdAt),
    ...(doc.orderHold?.held ? { orderOnHold: true, ...(doc.orderHold.reason ? { holdReason: doc.orderHold.reason } : {}) } : {}),
    ...(doc.pickup ? { pickup: true } : {}),
    ...(doc.readyAt ? { readyAt: iso(doc.readyAt), readyBy: doc.readyBy } : {}),
    ...(doc.pickupRemindedAt ? { pickupRemindedAt: iso(doc.pickupRemindedAt) } : {}),
    ...(doc.collectedAt ? { collectedAt: iso(doc.collectedAt), collectedBy: doc.collectedBy } : {}),
    ...(doc.pickListId ? { pickListId: doc.pickListId } : {}),
    ...(doc.pickedAt ? { pickedAt: iso(doc.pickedAt), pickedBy: doc.pickedBy } : {}),
    ...(doc.packedAt ? { packedAt: iso(doc.packedAt), packedBy: doc.packedBy } : {}),
    ...(doc.parcels ? { parcels: doc.parcels } : {}),
    ...(doc.handedOverAt ? { handedOverAt: iso(doc.handedOverAt), handedOverBy: doc.handedOverBy } : {}),
    ...(doc.cancelledAt ? { cancelledAt: iso(doc.cancelledAt) } : {}),
  };
}

export type FulfillmentView = ReturnType<typeof toFulfillmentView>;
