import { Schema, type Connection, type Model } from 'mongoose';
import { outboxPendingMarker } from '@oms/outbox';
import type { Envelope } from '@oms/contracts';
import { deterministicId } from '@oms/messaging';
import type { PaymentStatus, RefundRecord } from '../domain/payment-check';

export interface PaymentCheckDoc {
  _id: string;
  orderId: string;
  amount: number;
  currency: string;
  provider: string;
  method: string;
  reference: string;
  status: PaymentStatus;
  authorizationId?: string;
  declineReason?: string;
  refunds: RefundRecord[];
  processed: string[];
  outbox: Envelope[];
  createdAt: Date;
  voidedAt?: Date;
}

export type PaymentCheckModel = Model<PaymentCheckDoc>;

/** One check per order; the id is derived from the order so a retry finds the same check (and key). */
export const paymentCheckId = (orderId: string): string => deterministicId('payment', orderId);

/** The single-writer lock of one order's payment check (one writer per aggregate). */
export const paymentLockKey = (orderId: string): string => `payment:${orderId}`;

const refundSchema = new Schema<RefundRecord>(
  { returnId: { type: String, required: true }, amount: { type: Number, required: true }, providerRef: { type: String, required: true }, at: { type: Date, required: true } },
  { _id: false },
);

const paymentCheckSchema = new Schema(
  {
    _id: { type: String },
    orderId: { type: String, required: true, unique: true },
    amount: { type: Number, required: true },
    currency: { type: String, required: true },
    provider: { type: String, required: true },
    method: { type: String, required: true },
    reference: { type: String, required: true },
    status: { type: String, required: true, enum: ['approved', 'declined', 'voided'] },
    authorizationId: { type: String },
    declineReason: { type: String },
    refunds: { type: [refundSchema], default: [] },
    processed: { type: [String], default: [] },
    outbox: { type: [Schema.Types.Mixed], default: [] },
    createdAt: { type: Date, required: true },
    voidedAt: { type: Date },
  },
  { versionKey: false },
);
paymentCheckSchema.plugin(outboxPendingMarker);

export function registerPaymentCheckModel(db: Connection): PaymentCheckModel {
  return db.model<PaymentCheckDoc>('PaymentCheck', paymentCheckSchema, 'payment_checks');
}

/** The outbox sweep knows only document ids: find the order of a check to take the same lock as the handlers. */
export function outboxLockKey(checks: PaymentCheckModel) {
  return async (checkId: string): Promise<string> => {
    const doc = await checks.findById(checkId, { orderId: 1 }).lean();
    return paymentLockKey(doc?.orderId ?? checkId);
  };
}
