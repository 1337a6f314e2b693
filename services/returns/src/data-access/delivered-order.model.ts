import { Schema, type Connection, type Model } from 'mongoose';

/** What returns needs to know of a delivered order (a projection of order.delivered.v1). */
export interface DeliveredOrderDoc {
  _id: string;
  channel: string;
  currency: string;
  lines: Array<{ sku: string; quantity: number; unitPrice: number }>;
  deliveredAt: Date;
}

const deliveredOrderSchema = new Schema<DeliveredOrderDoc>(
  {
    _id: { type: String },
    channel: { type: String, required: true },
    currency: { type: String, required: true },
    lines: [{ _id: false, sku: String, quantity: Number, unitPrice: Number }],
    deliveredAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'delivered_orders' },
);

export const deliveredOrderModel = (db: Connection): Model<DeliveredOrderDoc> => db.model<DeliveredOrderDoc>('DeliveredOrder', deliveredOrderSchema);
