import { Schema, type Connection, type Model } from 'mongoose';
import type { Address } from '@oms/contracts';
import { deterministicId } from '@oms/messaging';
import { aggregateFields, type AggregateDocument } from '@oms/outbox';
import type { FulfillmentLine, FulfillmentStatus } from '../domain/fulfillment';

export interface FulfillmentDoc extends AggregateDocument {
  orderId: string;
  locationId: string;
  lines: FulfillmentLine[];
  shippingAddress: Address;
  shippingMethod: string;
  status: FulfillmentStatus;
  createdAt: Date;
  packedAt?: Date;
  packedBy?: string;
  cancelledAt?: Date;
}

export type FulfillmentModel = Model<FulfillmentDoc>;

/** One fulfillment per order and location; a redelivered open command finds the same id. */
export const fulfillmentId = (orderId: string, locationId: string): string => deterministicId('fulfillment', orderId, locationId);

/** One writer per fulfillment: every change of a fulfillment happens under this lock. */
export const fulfillmentLockKey = (id: string): string => `fulfillment:${id}`;

const lineSchema = new Schema({ sku: { type: String, required: true }, quantity: { type: Number, required: true } }, { _id: false });

const addressSchema = new Schema(
  {
    name: { type: String, required: true },
    line1: { type: String, required: true },
    line2: { type: String },
    postalCode: { type: String, required: true },
    city: { type: String, required: true },
    region: { type: String },
    country: { type: String, required: true },
  },
  { _id: false },
);

const fulfillmentSchema = new Schema(
  {
    _id: { type: String },
    orderId: { type: String, required: true },
    locationId: { type: String, required: true },
    lines: { type: [lineSchema], required: true },
    shippingAddress: { type: addressSchema, required: true },
    shippingMethod: { type: String, required: true },
    status: { type: String, required: true, enum: ['open', 'packed', 'cancelled'] },
    createdAt: { type: Date, required: true },
    packedAt: { type: Date },
    packedBy: { type: String },
    cancelledAt: { type: Date },
  },
  { versionKey: false },
);
fulfillmentSchema.plugin(aggregateFields);
// The natural key, and the index of the by-order query (its prefix).
fulfillmentSchema.index({ orderId: 1, locationId: 1 }, { unique: true });

export function fulfillmentModel(db: Connection): FulfillmentModel {
  return db.model<FulfillmentDoc>('Fulfillment', fulfillmentSchema, 'fulfillments');
}
