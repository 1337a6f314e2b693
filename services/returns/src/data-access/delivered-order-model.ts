import { Schema, type Connection, type Model } from 'mongoose';
import type { DeliveredOrder } from '../domain/return';

/**
 * A projection of order.delivered.v1, written once and never changed: it needs no lock of its own. Returns
 * read it under the lock of the order's returns (orderReturnsLockKey).
 */
export interface DeliveredOrderDoc extends DeliveredOrder {
  _id: string;
}

const deliveredOrderSchema = new Schema<DeliveredOrderDoc>(
  {
    _id: { type: String },
    channel: { type: String, required: true },
    currency: { type: String, required: true },
    lines: [{ _id: false, sku: String, quantity: Number, unitPrice: Number }],
    shippingPaid: { type: Number },
    deliveredAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'delivered_orders' },
);

export const deliveredOrderModel = (db: Connection): Model<DeliveredOrderDoc> => db.model<DeliveredOrderDoc>('DeliveredOrder', deliveredOrderSchema);
