import type { ShipmentDoc } from './shipment-model';

/** What the gateway sees of a shipment: no outbox, no processed message ids. */
export function toShipmentView(s: ShipmentDoc) {
  return {
    id: s._id,
    orderId: s.orderId,
    fulfillmentId: s.fulfillmentId,
    parcel: s.parcel ?? 1,
    parcels: s.parcels ?? 1,
    carrierId: s.carrierId,
    ...(s.serviceId ? { serviceId: s.serviceId } : {}),
    carrierShipmentId: s.carrierShipmentId,
    trackingNumber: s.trackingNumber,
    status: s.status,
    shippingAddress: s.shippingAddress,
    shippingMethod: s.shippingMethod,
    lines: s.lines,
    ...(s.weightGrams ? { weightGrams: s.weightGrams } : {}),
    ...(s.dimensions ? { dimensions: s.dimensions } : {}),
    ...(s.hazmat ? { hazmat: true } : {}),
    ...(s.rate ? { rate: s.rate } : {}),
    locationId: s.locationId,
    tracking: s.tracking.map((t) => ({
      status: t.status,
      occurredAt: new Date(t.occurredAt).toISOString(),
      ...(t.location ? { location: t.location } : {}),
      receivedAt: new Date(t.receivedAt).toISOString(),
    })),
    ...(s.handedOverAt ? { handedOverAt: new Date(s.handedOverAt).toISOString(), handedOverBy: s.handedOverBy } : {}),
    createdAt: new Date(s.createdAt).toISOString(),
    updatedAt: new Date(s.updatedAt ?? s.createdAt).toISOString(),
  };
}

/** What a command about a shipment (a booking, a scan) answers. */
export const toShipmentAnswer = (s: Pick<ShipmentDoc, '_id' | 'trackingNumber' | 'status'>) => ({
  shipmentId: s._id,
  trackingNumber: s.trackingNumber,
  status: s.status,
});

export type ShipmentAnswer = ReturnType<typeof toShipmentAnswer>;
