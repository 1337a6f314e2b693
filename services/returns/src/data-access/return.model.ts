import { Schema, type Connection, type Model } from 'mongoose';
import { outboxPendingMarker } from '@oms/outbox';
import type { Envelope } from '@oms/contracts';

export type ReturnStatus = 'requested' | 'received';
export type ItemCondition = 'resellable' | 'damaged';

export interface Receipt {
  locationId: string;
  lines: Array<{ sku: string; quantity: number; condition: ItemCondition }>;
  at: Date;
  actor: string;
}

export interface ReturnDoc {
  _id: string;
  orderId: string;
  status: ReturnStatus;
  lines: Array<{ sku: string; quantity: number; reason: string }>;
  receipt?: Receipt;
  /** Minor units of `currency`. */
  refundAmount?: number;
  currency: string;
  createdBy: string;
  createdAt: Date;
  processed: string[];
  outbox: Envelope[];
}

const returnSchema = new Schema<ReturnDoc>(
  {
    _id: { type: String },
    orderId: { type: String, required: true, index: true },
    status: { type: String, enum: ['requested', 'received'], required: true },
    lines: [{ _id: false, sku: String, quantity: Number, reason: String }],
    receipt: {
      type: new Schema(
        { locationId: String, lines: [{ _id: false, sku: String, quantity: Number, condition: String }], at: Date, actor: String },
        { _id: false },
      ),
      required: false,
    },
    refundAmount: { type: Number },
    currency: { type: String, required: true },
    createdBy: { type: String, required: true },
    createdAt: { type: Date, required: true },
    processed: { type: [String], default: [] },
    outbox: { type: Schema.Types.Mixed, default: [] },
  },
  { versionKey: false, collection: 'returns' },
);
returnSchema.plugin(outboxPendingMarker);

export const returnModel = (db: Connection): Model<ReturnDoc> => db.model<ReturnDoc>('Return', returnSchema);

/** What the gateway and command senders see of a return. */
export function returnView(r: ReturnDoc) {
  return {
    id: r._id,
    orderId: r.orderId,
    status: r.status,
    lines: r.lines,
    ...(r.receipt
      ? { receipt: { locationId: r.receipt.locationId, lines: r.receipt.lines, at: new Date(r.receipt.at).toISOString(), actor: r.receipt.actor } }
      : {}),
    ...(r.refundAmount !== undefined && r.refundAmount !== null ? { refundAmount: r.refundAmount } : {}),
    currency: r.currency,
    createdBy: r.createdBy,
    createdAt: new Date(r.createdAt).toISOString(),
  };
}
