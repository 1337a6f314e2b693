import { Schema, type Connection, type Model } from 'mongoose';

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
    status: { type: String, required: true, index: true },
    currency: String,
    customer: Schema.Types.Mixed,
    shippingAddress: Schema.Types.Mixed,
    lines: Schema.Types.Mixed,
    shipping: Schema.Types.Mixed,
    payment: Schema.Types.Mixed,
    holds: Schema.Types.Mixed,
    checks: Schema.Types.Mixed,
    allocation: Schema.Types.Mixed,
    fulfillments: Schema.Types.Mixed,
    shipments: Schema.Types.Mixed,
    returns: Schema.Types.Mixed,
    timeline: Schema.Types.Mixed,
    /** Ids of the messages already applied: a redelivery is recognised and skipped. */
    processed: [String],
    /** Events and commands stored with the change that caused them, until the broker confirmed them. */
    outbox: Schema.Types.Mixed,
    createdAt: { type: String, required: true },
    updatedAt: String,
  },
  { versionKey: false, minimize: false },
);
// One order per channel and external id, whatever path it came in by.
orderSchema.index({ channel: 1, externalId: 1 }, { unique: true });

export type OrderModel = Model<OrderDocument>;

export function orderModel(db: Connection): OrderModel {
  return db.model<OrderDocument>('Order', orderSchema, 'orders');
}
