import { Schema, type Connection, type Model } from 'mongoose';
import { outboxPendingMarker } from '@oms/outbox';
import type { Address, Envelope } from '@oms/contracts';
import { SHIPMENT_STATUSES, type ShipmentStatus } from '../domain/tracking';

/** The canonical address of @oms/contracts. */
export type { Address };

export interface TrackingEntry {
  status: Exclude<ShipmentStatus, 'booked'>;
  occurredAt: Date;
  location?: string;
  receivedAt: Date;
}

export interface ShipmentDoc {
  _id: string;
  orderId: string;
  fulfillmentId: string;
  carrierId: string;
  carrierShipmentId: string;
  trackingNumber: string;
  status: ShipmentStatus;
  shippingAddress: Address;
  shippingMethod: string;
  lines: Array<{ sku: string; quantity: number }>;
  locationId: string;
  tracking: TrackingEntry[];
  processed: string[];
  outbox: Envelope[];
  createdAt: Date;
}

const shipmentSchema = new Schema<ShipmentDoc>(
  {
    _id: { type: String },
    orderId: { type: String, required: true, index: true },
    fulfillmentId: { type: String, required: true, unique: true },
    carrierId: { type: String, required: true },
    carrierShipmentId: { type: String, required: true },
    trackingNumber: { type: String, required: true, unique: true },
    status: { type: String, enum: SHIPMENT_STATUSES, required: true },
    shippingAddress: { type: Schema.Types.Mixed, required: true },
    shippingMethod: { type: String, required: true },
    lines: [{ _id: false, sku: String, quantity: Number }],
    locationId: { type: String, required: true },
    tracking: [{ _id: false, status: String, occurredAt: Date, location: String, receivedAt: Date }],
    processed: { type: [String], default: [] },
    outbox: { type: Schema.Types.Mixed, default: [] },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'shipments' },
);
shipmentSchema.plugin(outboxPendingMarker);

export const shipmentModel = (db: Connection): Model<ShipmentDoc> => db.model<ShipmentDoc>('Shipment', shipmentSchema);

/** What the gateway sees of a shipment: no outbox, no processed message ids. */
export function shipmentView(s: ShipmentDoc) {
  return {
    id: s._id,
    orderId: s.orderId,
    fulfillmentId: s.fulfillmentId,
    carrierId: s.carrierId,
    carrierShipmentId: s.carrierShipmentId,
    trackingNumber: s.trackingNumber,
    status: s.status,
    shippingAddress: s.shippingAddress,
    shippingMethod: s.shippingMethod,
    lines: s.lines,
    locationId: s.locationId,
    tracking: s.tracking.map((t) => ({ status: t.status, occurredAt: new Date(t.occurredAt).toISOString(), ...(t.location ? { location: t.location } : {}), receivedAt: new Date(t.receivedAt).toISOString() })),
    createdAt: new Date(s.createdAt).toISOString(),
  };
}
