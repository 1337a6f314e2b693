import { Schema, type Connection, type Model } from 'mongoose';
import type { Address } from '@oms/contracts';
import { deterministicId } from '@oms/messaging';
import { aggregateFields, type AggregateDocument } from '@oms/outbox';
import { SHIPMENT_STATUSES, type ShipmentStatus, type TrackingEntry } from '../domain/tracking';

export interface ShipmentDoc extends AggregateDocument {
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
  createdAt: Date;
}

/** One shipment per fulfillment: a booking retried after a crash or a timeout finds the same id (and carrier key). */
export const shipmentIdOf = (fulfillmentId: string): string => deterministicId('shipment', fulfillmentId);

/** One writer per shipment: every change of a shipment happens under this lock. */
export const shipmentLockKey = (shipmentId: string): string => `shipment:${shipmentId}`;

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
    createdAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'shipments' },
);
shipmentSchema.plugin(aggregateFields);

export const shipmentModel = (db: Connection): Model<ShipmentDoc> => db.model<ShipmentDoc>('Shipment', shipmentSchema);
