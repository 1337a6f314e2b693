import { Schema, type Connection, type Model } from 'mongoose';
import { aggregateFields } from '@oms/outbox';

export interface OrderDocument {
  _id: string;
  channel: string;
  externalId: string;
  [field: string]: unknown;
}

const orderSchema = new Schema(
  {
    _id: { type: String },
    channel: { type: String, required: true },
    externalId: { type: String, required: true },
    status: { type: String, required: true },
    currency: String,
    customer: Schema.Types.Mixed,
    shippingAddress: Schema.Types.Mixed,
    billingAddress: Schema.Types.Mixed,
    lines: Schema.Types.Mixed,
    discounts: Schema.Types.Mixed,
    taxesIncluded: Boolean,
    shipping: Schema.Types.Mixed,
    payment: Schema.Types.Mixed,
    holds: Schema.Types.Mixed,
    checks: Schema.Types.Mixed,
    /** Authorized, captured and refunded amounts as the payment services reported them (domain/payment-status.ts). */
    paymentAmounts: Schema.Types.Mixed,
    checkKeys: Schema.Types.Mixed,
    allocation: Schema.Types.Mixed,
    fulfillments: Schema.Types.Mixed,
    shipments: Schema.Types.Mixed,
    returns: Schema.Types.Mixed,
    timeline: Schema.Types.Mixed,
    /** `customer.email` in lower case: the list filters on it exactly, with an index (no case-insensitive index here). */
    customerEmail: String,
    /** The channel's own fields, as a JSON string (see order-repository). */
    source: String,
    createdAt: { type: String, required: true },
    /** The UTC day of `createdAt` (`2026-12-05`): lists walk whole days by it until the list fields are backfilled. */
    createdDay: String,
    /** The time buckets of `createdAt`, day to second (bucketsOf): the list reads one bucket per query (order-days.ts). */
    createdBuckets: [String],
    /** The distinct SKUs of the lines, and the reasons of the current holds: what lists filter on, as top-level equalities. */
    skus: [String],
    holdReasons: [String],
    updatedAt: String,
  },
  { versionKey: false, minimize: false },
);
orderSchema.plugin(aggregateFields);
// One order per channel and external id, whatever path it came in by.
orderSchema.index({ channel: 1, externalId: 1 }, { unique: true });
// The order list (GET /internal/orders) is always sorted by (createdAt, _id), newest first by default, and
// paged by a cursor on the same pair: each filter it offers has a compound index ending in that sort key.
// Plain compound indexes only: FerretDB 1.x has no partial, text or collation indexes.
orderSchema.index({ createdAt: -1, _id: -1 });
// The list's walk by bucket (order-repository): on FerretDB the equality on createdBuckets (or createdDay,
// skus, holdReasons, customerEmail) is what reaches PostgreSQL (with its GIN index, deploy/ferretdb-indexes.sql);
// on MongoDB these indexes serve it.
orderSchema.index({ createdDay: 1, createdAt: -1, _id: -1 });
orderSchema.index({ createdBuckets: 1, createdAt: -1, _id: -1 });
orderSchema.index({ channel: 1, createdAt: -1, _id: -1 });
orderSchema.index({ status: 1, createdAt: -1, _id: -1 });
orderSchema.index({ channel: 1, status: 1, createdAt: -1, _id: -1 });
orderSchema.index({ customerEmail: 1, createdAt: -1, _id: -1 });
orderSchema.index({ skus: 1, createdAt: -1, _id: -1 });
orderSchema.index({ holdReasons: 1, createdAt: -1, _id: -1 });

export type OrderModel = Model<OrderDocument>;

/** One writer per order: every change of an order happens under this lock. */
export const orderLockKey = (orderId: string) => `order:${orderId}`;

export function orderModel(db: Connection): OrderModel {
  return db.model<OrderDocument>('Order', orderSchema, 'orders');
}
