import { Schema, type Connection, type Model } from 'mongoose';
import type { Address, RateChoice } from '@oms/contracts';
import { deterministicId } from '@oms/messaging';
import { dayOf } from '@oms/mongo';
import { aggregateFields, type AggregateDocument } from '@oms/outbox';
import { SHIPMENT_STATUSES, type ShipmentStatus, type TrackingEntry } from '../domain/tracking';

/** One parcel with a carrier: a fulfillment packed in several parcels has one shipment per parcel. */
export interface ShipmentDoc extends AggregateDocument {
  orderId: string;
  fulfillmentId: string;
  /** Which parcel of the fulfillment (1-based; absent on shipments from before parcels: 1 of 1). */
  parcel?: number;
  parcels?: number;
  carrierId: string;
  serviceId?: string;
  carrierShipmentId: string;
  trackingNumber: string;
  status: ShipmentStatus;
  shippingAddress: Address;
  shippingMethod: string;
  lines: Array<{ sku: string; quantity: number }>;
  weightGrams?: number;
  dimensions?: { lengthCm: number; widthCm: number; heightCm: number };
  /** Holds dangerous goods (a SKU's attribute). */
  hazmat?: boolean;
  rate?: RateChoice;
  /** The voided shipment this one was booked in place of. */
  replaces?: string;
  locationId: string;
  tracking: TrackingEntry[];
  /** When the carrier (3PL partner) confirmed it took the parcel, and who said so (POST /v1/shipments/{id}/handover). */
  handedOverAt?: Date;
  handedOverBy?: string;
  createdAt: Date;
  /** The partner list's fields (listFields): set with every change; absent on shipments the backfill has not reached. */
  updatedAt?: Date;
  updatedDay?: string;
  carrierStatus?: string;
}

/**
 * What the partner list reads (docs/partners.md): `<carrierId>|<status>` and the UTC day of the last change,
 * so that one page is a few equality queries (FerretDB 1.x pushes only those down to SQL), day by day.
 */
export function listFields(carrierId: string, status: ShipmentStatus, at: Date): { updatedAt: Date; updatedDay: string; carrierStatus: string } {
  return { updatedAt: at, updatedDay: dayOf(at), carrierStatus: carrierStatusOf(carrierId, status) };
}

export const carrierStatusOf = (carrierId: string, status: string): string => `${carrierId}|${status}`;

/** The days with changed shipments of a carrier (`shipment_days`), noted before a shipment of that day is stored. */
export const carrierDayKind = (carrierId: string): string => `carrier:${carrierId}`;

/**
 * One shipment per parcel of a fulfillment: a booking retried after a crash or a timeout finds the same id
 * (and carrier key). The first parcel keeps the id shipments had before parcels.
 */
export const shipmentIdOf = (fulfillmentId: string, parcel = 1): string =>
  parcel === 1 ? deterministicId('shipment', fulfillmentId) : deterministicId('shipment', fulfillmentId, String(parcel));

/** One writer per shipment: every change of a shipment happens under this lock. */
export const shipmentLockKey = (shipmentId: string): string => `shipment:${shipmentId}`;

/** The unique index of one shipment per fulfillment, from before parcels: dropped at start (dropLegacyIndexes). */
export const LEGACY_FULFILLMENT_INDEX = 'fulfillmentId_1';
/** The unique index of one shipment per parcel, from before voided labels were replaced: dropped at start too. */
export const LEGACY_PARCEL_INDEX = 'fulfillmentId_1_parcel_1';

const shipmentSchema = new Schema<ShipmentDoc>(
  {
    _id: { type: String },
    orderId: { type: String, required: true, index: true },
    fulfillmentId: { type: String, required: true },
    parcel: { type: Number },
    parcels: { type: Number },
    carrierId: { type: String, required: true },
    serviceId: { type: String },
    carrierShipmentId: { type: String, required: true },
    trackingNumber: { type: String, required: true, unique: true },
    status: { type: String, enum: SHIPMENT_STATUSES, required: true },
    shippingAddress: { type: Schema.Types.Mixed, required: true },
    shippingMethod: { type: String, required: true },
    lines: [{ _id: false, sku: String, quantity: Number }],
    weightGrams: { type: Number },
    dimensions: { type: Schema.Types.Mixed },
    hazmat: { type: Boolean },
    rate: { type: Schema.Types.Mixed },
    replaces: { type: String },
    locationId: { type: String, required: true },
    tracking: [{ _id: false, status: String, occurredAt: Date, location: String, receivedAt: Date }],
    handedOverAt: { type: Date },
    handedOverBy: { type: String },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date },
    updatedDay: { type: String },
    carrierStatus: { type: String },
  },
  { versionKey: false, collection: 'shipments' },
);
shipmentSchema.plugin(aggregateFields);
// One shipment per parcel, and per voided shipment one replacement (`replaces`): the natural key of a booking.
shipmentSchema.index({ fulfillmentId: 1, parcel: 1, replaces: 1 }, { unique: true });
// The partner list: a carrier's changes of one day, of any status or of one.
shipmentSchema.index({ carrierId: 1, updatedDay: 1 });
shipmentSchema.index({ carrierStatus: 1, updatedDay: 1 });

export const shipmentModel = (db: Connection): Model<ShipmentDoc> => db.model<ShipmentDoc>('Shipment', shipmentSchema);
