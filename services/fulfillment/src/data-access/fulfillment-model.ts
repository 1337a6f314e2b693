import { Schema, type Connection, type Model } from 'mongoose';
import type { Address, Parcel } from '@oms/contracts';
import { deterministicId } from '@oms/messaging';
import { dayOf } from '@oms/mongo';
import { aggregateFields, type AggregateDocument } from '@oms/outbox';
import { FULFILLMENT_STATUSES, queueOf, type FulfillmentLine, type FulfillmentStatus, type OrderHold } from '../domain/fulfillment';

export interface FulfillmentDoc extends AggregateDocument {
  orderId: string;
  locationId: string;
  lines: FulfillmentLine[];
  shippingAddress: Address;
  shippingMethod: string;
  status: FulfillmentStatus;
  /** When the parcel should leave the location: the work queues and pick lists go by it. */
  shipBy: Date;
  /** `<locationId>|<status>`: the work queue it is listed in (queueFields). */
  queue: string;
  /** The day of `shipBy`: the queues are read one day at a time. */
  queueDay: string;
  /**
   * The hour of `shipBy` (`2026-12-07T10`): an active queue is read one hour at a time within its days, so a
   * page costs the work due in the hours it reads even when a whole day's orders share one ship-by day.
   */
  queueHour?: string;
  orderHold?: OrderHold;
  /** Click & collect: picked up by the customer at this location. */
  pickup?: boolean;
  readyAt?: Date;
  readyBy?: string;
  /** The hash of the last pickup code issued (the code itself goes to the customer only). */
  pickupCodeHash?: string;
  pickupRemindedAt?: Date;
  /** Not collected in time: the order was told to cancel. */
  pickupExpiredAt?: Date;
  collectedAt?: Date;
  collectedBy?: string;
  pickListId?: string;
  pickedAt?: Date;
  pickedBy?: string;
  parcels?: Parcel[];
  createdAt: Date;
  packedAt?: Date;
  packedBy?: string;
  handedOverAt?: Date;
  handedOverBy?: string;
  cancelledAt?: Date;
}

export type FulfillmentModel = Model<FulfillmentDoc>;

/** One fulfillment per order and location; a redelivered open command finds the same id. */
export const fulfillmentId = (orderId: string, locationId: string): string => deterministicId('fulfillment', orderId, locationId);

/** One writer per fulfillment: every change of a fulfillment happens under this lock. */
export const fulfillmentLockKey = (id: string): string => `fulfillment:${id}`;

/** The fields to set with a status: the queue follows the status. */
export const queueFields = (f: Pick<FulfillmentDoc, 'locationId' | 'shipBy'>, status: FulfillmentStatus) => ({
  status,
  queue: queueOf(f.locationId, status),
  queueDay: dayOf(f.shipBy),
  queueHour: hourOf(f.shipBy),
});

/** `2026-12-07T10`: the hour (UTC) a time falls in, a bucket of the work queues. */
export const hourOf = (at: Date | string) => new Date(at).toISOString().slice(0, 13);

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
    status: { type: String, required: true, enum: FULFILLMENT_STATUSES },
    shipBy: { type: Date, required: true },
    queue: { type: String, required: true },
    queueDay: { type: String, required: true },
    queueHour: { type: String },
    orderHold: { type: Schema.Types.Mixed },
    pickup: { type: Boolean },
    readyAt: { type: Date },
    readyBy: { type: String },
    pickupCodeHash: { type: String },
    pickupRemindedAt: { type: Date },
    pickupExpiredAt: { type: Date },
    collectedAt: { type: Date },
    collectedBy: { type: String },
    pickListId: { type: String },
    pickedAt: { type: Date },
    pickedBy: { type: String },
    parcels: { type: Schema.Types.Mixed },
    createdAt: { type: Date, required: true },
    packedAt: { type: Date },
    packedBy: { type: String },
    handedOverAt: { type: Date },
    handedOverBy: { type: String },
    cancelledAt: { type: Date },
  },
  { versionKey: false },
);
fulfillmentSchema.plugin(aggregateFields);
// The natural key, and the index of the by-order query (its prefix).
fulfillmentSchema.index({ orderId: 1, locationId: 1 }, { unique: true });
// The work queues: a whole active queue by `queue`, a done one day by day by `queue` and `queueDay`.
fulfillmentSchema.index({ queue: 1, queueDay: 1 });
fulfillmentSchema.index({ queue: 1, queueHour: 1 });
fulfillmentSchema.index({ pickListId: 1 }, { sparse: true });
// The pickup sweep: every fulfillment waiting for its customer.
fulfillmentSchema.index({ status: 1 });

export function fulfillmentModel(db: Connection): FulfillmentModel {
  return db.model<FulfillmentDoc>('Fulfillment', fulfillmentSchema, 'fulfillments');
}
