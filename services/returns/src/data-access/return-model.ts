import { Schema, type Connection, type Model } from 'mongoose';
import { aggregateFields, type AggregateDocument } from '@oms/outbox';
import type { Receipt, ReturnFailure, ReturnLine, ReturnStatus } from '../domain/return';

export interface ReturnDoc extends AggregateDocument {
  orderId: string;
  status: ReturnStatus;
  lines: ReturnLine[];
  /** The shipping paid is refunded with this return. */
  refundShipping?: boolean;
  /** A parcel returned to sender whose goods go out again when it is received: nothing is refunded. */
  reship?: boolean;
  receipt?: Receipt;
  /** Minor units of `currency`. */
  refundAmount?: number;
  /** Commands about this return other services refused (its refund, its restock): oldest first. */
  failures?: ReturnFailure[];
  /** The refund the payment provider made (payment.refunded.v1), also after a refusal and a retry. */
  refunded?: { amount: number; providerRef: string; at: Date };
  currency: string;
  createdBy: string;
  createdAt: Date;
  /** The time buckets of createdAt (bucketsOf), for the list of returns (ReturnRepository.list); never shown. */
  createdBuckets?: string[];
}

/** One writer per return: every change of a return happens under this lock. */
export const returnLockKey = (returnId: string): string => `return:${returnId}`;
/** Serialises the opening of returns of one order: each checks what the others already asked for. */
export const orderReturnsLockKey = (orderId: string): string => `returns-of-order:${orderId}`;

const returnSchema = new Schema<ReturnDoc>(
  {
    _id: { type: String },
    orderId: { type: String, required: true, index: true },
    status: { type: String, enum: ['requested', 'received'], required: true },
    lines: [{ _id: false, sku: String, quantity: Number, reason: String }],
    refundShipping: { type: Boolean },
    reship: { type: Boolean },
    receipt: {
      type: new Schema(
        { locationId: String, lines: [{ _id: false, sku: String, quantity: Number, condition: String }], at: Date, actor: String },
        { _id: false },
      ),
      required: false,
    },
    refundAmount: { type: Number },
    failures: { type: [{ _id: false, command: String, status: Number, detail: String, at: Date }], default: undefined },
    refunded: { type: { _id: false, amount: Number, providerRef: String, at: Date }, default: undefined },
    currency: { type: String, required: true },
    createdBy: { type: String, required: true },
    createdAt: { type: Date, required: true },
    createdBuckets: { type: [String], default: undefined },
  },
  { versionKey: false, collection: 'returns' },
);
returnSchema.plugin(aggregateFields);
// The list walks time buckets newest first (ReturnRepository.list): on FerretDB the equality on createdBuckets
// (and status) is what reaches PostgreSQL; on MongoDB this index serves it with its sort.
returnSchema.index({ createdBuckets: 1, createdAt: -1, _id: -1 });

export const returnModel = (db: Connection): Model<ReturnDoc> => db.model<ReturnDoc>('Return', returnSchema);
