import { Schema, type Connection, type Model } from 'mongoose';
import type { PaymentFlow, Screening } from '@oms/contracts';
import { deterministicId } from '@oms/messaging';
import { aggregateFields, type AggregateDocument } from '@oms/outbox';
import type { PaymentStatus, ReceivedPayment, RefundRecord } from '../domain/payment-check';

export interface PaymentCheckDoc extends AggregateDocument {
  orderId: string;
  amount: number;
  currency: string;
  provider: string;
  method: string;
  /** How the method is paid (paymentFlowOf); absent on checks stored before flows existed: authorize. */
  flow?: PaymentFlow;
  reference: string;
  status: PaymentStatus;
  authorizationId?: string;
  /** When the provider stops honouring the authorization; a capture after it re-authorizes first. */
  authorizationExpiresAt?: string;
  /** The UTC day of authorizationExpiresAt (YYYY-MM-DD): the re-authorization sweep finds a day's checks by equality. */
  authExpiresDay?: string;
  /** The provider declined to renew the authorization (the sweep does not ask again). */
  reauthorizationDeclined?: string;
  /** The expired authorization a re-authorization replaced, and when. */
  reauthorizedFrom?: string;
  reauthorizedAt?: Date;
  captured?: number;
  captureId?: string;
  capturedAt?: Date;
  declineReason?: string;
  refunds: RefundRecord[];
  /** Prepayment: the transfers recorded as received, one per reference. */
  received?: Array<ReceivedPayment & { actor: string }>;
  createdAt: Date;
  voidedAt?: Date;
  /** Fraud screening: a hash of the customer's email (their earlier orders are found by it) and the shipping address key. */
  customerKey?: string;
  addressKey?: string;
  /** The order's total before gift cards (what the high-value rule compares with the customer's earlier orders). */
  orderTotal?: number;
  screening?: Screening;
  /** A payment held for a fraud review, once ops decided it. */
  review?: { decision: 'approve' | 'reject'; actor: string; note?: string; at: Date };
}

export type PaymentCheckModel = Model<PaymentCheckDoc>;

/** One check per order; the id is derived from the order so a retry finds the same check (and key). */
export const paymentCheckId = (orderId: string): string => deterministicId('payment', orderId);

/** One writer per payment check, so per order: every change of a check happens under this lock. */
export const paymentLockKey = (checkId: string): string => `payment:${checkId}`;

const refundSchema = new Schema<RefundRecord>(
  {
    returnId: { type: String, required: true },
    amount: { type: Number, required: true },
    providerRef: { type: String, required: true },
    at: { type: Date, required: true },
  },
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
    flow: { type: String },
    reference: { type: String, required: true },
    status: { type: String, required: true, enum: ['approved', 'declined', 'voided', 'captured', 'awaiting_payment', 'in_review'] },
    authorizationId: { type: String },
    authorizationExpiresAt: { type: String },
    authExpiresDay: { type: String },
    reauthorizationDeclined: { type: String },
    reauthorizedFrom: { type: String },
    reauthorizedAt: { type: Date },
    captured: { type: Number },
    captureId: { type: String },
    capturedAt: { type: Date },
    declineReason: { type: String },
    refunds: { type: [refundSchema], default: [] },
    received: { type: Schema.Types.Mixed },
    createdAt: { type: Date, required: true },
    voidedAt: { type: Date },
    customerKey: { type: String, index: true },
    addressKey: { type: String },
    orderTotal: { type: Number },
    screening: { type: Schema.Types.Mixed },
    review: { type: Schema.Types.Mixed },
  },
  { versionKey: false },
);
paymentCheckSchema.plugin(aggregateFields);
// The re-authorization sweep reads the approved checks whose authorization expires on one day (two equalities).
paymentCheckSchema.index({ authExpiresDay: 1, status: 1 });

/** The day an authorization expires, as the sweep looks it up. */
export const expiryDay = (expiresAt: string | undefined): string | undefined => (expiresAt ? expiresAt.slice(0, 10) : undefined);

export function paymentCheckModel(db: Connection): PaymentCheckModel {
  return db.model<PaymentCheckDoc>('PaymentCheck', paymentCheckSchema, 'payment_checks');
}
