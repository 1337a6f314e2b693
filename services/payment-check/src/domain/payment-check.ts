import type { PaymentFlow } from '@oms/contracts';
import { Refusal } from '@oms/errors';

/** `in_review`: authorized (or needing no provider) but held by fraud screening until ops decide. */
export type PaymentStatus = 'approved' | 'declined' | 'voided' | 'captured' | 'awaiting_payment' | 'in_review';

export interface RefundRecord {
  returnId: string;
  amount: number;
  providerRef: string;
  at: Date;
}

/** What the rules below need to know of a stored check. */
export interface PaymentCheckState {
  status: PaymentStatus;
  amount: number;
  currency: string;
  method: string;
  authorizationId?: string;
  /** Taken at shipment; refunds never exceed it. */
  captured?: number;
  refunds: RefundRecord[];
}

/**
 * The verdict on a payment no provider is asked about: approved, with why no authorization exists; a
 * prepayment with something due waits for the transfer instead.
 */
export function withoutProviderCall(flow: PaymentFlow, amount: number): { status: 'approved' | 'awaiting_payment'; authorizationId?: undefined; note: string } {
  if (flow === 'prepayment' && amount > 0) return { status: 'awaiting_payment', note: 'waiting for the bank transfer' };
  const why: Record<PaymentFlow, string> = {
    invoice: 'paid on invoice or delivery: no provider call',
    channel: 'collected by the channel: no provider call',
    prepayment: 'prepayment: no provider call',
    authorize: 'nothing due (gift cards, a replacement): no provider call',
  };
  return { status: 'approved', note: amount === 0 && flow !== 'authorize' ? `${why[flow]}, nothing due` : why[flow] };
}

export interface ReceivedPayment {
  reference: string;
  amount: number;
  at: Date;
}

export type ReceiptDecision = { kind: 'nothing' } | { kind: 'record'; complete: boolean };

/**
 * Money received for a prepayment (a bank transfer): counted once per reference; the payment is complete
 * (approved) when what was received covers the amount. A payment that waits for none refuses it.
 */
export function decideReceipt(
  check: (PaymentCheckState & { received?: ReceivedPayment[] }) | null,
  receipt: { amount: number; currency: string; reference: string },
): ReceiptDecision {
  if (!check) throw new Refusal('conflict', 'the order has no payment check yet: try again in a moment');
  const received = check.received ?? [];
  if (received.some((r) => r.reference === receipt.reference)) return { kind: 'nothing' };
  if (check.status !== 'awaiting_payment') throw new Refusal('conflict', `the payment is ${check.status}: it waits for no transfer`);
  if (receipt.currency !== check.currency) throw new Refusal('invalid', `the payment currency is ${check.currency}, not ${receipt.currency}`);
  const total = received.reduce((sum, r) => sum + r.amount, 0) + receipt.amount;
  return { kind: 'record', complete: total >= check.amount };
}

export type VoidDecision =
  | { kind: 'nothing' }
  /** An approved authorization holds money on the card: release it at the provider first. */
  | { kind: 'void-at-provider'; authorizationId: string }
  /** Nothing is held (declined): record the void so the order can move on. */
  | { kind: 'mark-voided' };

export function decideVoid(check: PaymentCheckState | null): VoidDecision {
  // Captured money is not released by a void (a refund gives it back).
  if (!check || check.status === 'voided' || check.status === 'captured') return { kind: 'nothing' };
  if ((check.status === 'approved' || check.status === 'in_review') && check.authorizationId)
    return { kind: 'void-at-provider', authorizationId: check.authorizationId };
  return { kind: 'mark-voided' };
}

export type ReviewDecision =
  | { kind: 'nothing' }
  | { kind: 'approve' }
  /** `voidAuthorizationId`: the authorization to release at the provider first. */
  | { kind: 'reject'; voidAuthorizationId?: string };

/**
 * Ops' decision on a payment held for a fraud review. The same decision again does nothing (a repeat); a
 * payment not in review (never held, or decided otherwise already) refuses it and says why.
 */
export function decideReview(
  check: (PaymentCheckState & { review?: { decision: 'approve' | 'reject' } }) | null,
  decision: 'approve' | 'reject',
): ReviewDecision {
  if (!check) throw new Refusal('conflict', 'the order has no payment check yet: try again in a moment');
  if (check.review?.decision === decision) return { kind: 'nothing' };
  if (check.status !== 'in_review')
    throw new Refusal('conflict', check.review ? `the review was decided already (${check.review.decision})` : `the payment is ${check.status}, not in review`);
  return decision === 'approve' ? { kind: 'approve' } : { kind: 'reject', voidAuthorizationId: check.authorizationId };
}

export type CaptureDecision = { kind: 'nothing' } | { kind: 'capture'; authorizationId: string };

/**
 * Capture at shipment: once, at most what was authorized. A payment no provider holds (invoice, marketplace,
 * nothing due) has nothing to capture; one that is not approved cannot be captured, and says why.
 */
export function decideCapture(check: PaymentCheckState | null, request: { amount: number; currency: string }): CaptureDecision {
  if (!check) throw new Refusal('conflict', 'the order has no payment check: nothing to capture');
  if (check.status === 'captured') return { kind: 'nothing' };
  if (check.status !== 'approved') throw new Refusal('conflict', `the payment is ${check.status}: nothing to capture`);
  if (!check.authorizationId || request.amount === 0) return { kind: 'nothing' };
  if (request.currency !== check.currency)
    throw new Refusal('invalid', `the capture currency ${request.currency} differs from the payment currency ${check.currency}`);
  if (request.amount > check.amount) throw new Refusal('invalid', `capturing ${request.amount} would exceed the authorized ${check.amount}`);
  return { kind: 'capture', authorizationId: check.authorizationId };
}

export interface RefundRequest {
  returnId: string;
  amount: number;
  currency: string;
}

export type RefundDecision = { kind: 'already-refunded' } | { kind: 'refund'; authorizationId: string };

/** Refunds go against an approved authorization, once per return, never above what was authorized. */
export function decideRefund(check: PaymentCheckState | null, request: RefundRequest): RefundDecision {
  if (check?.refunds.some((r) => r.returnId === request.returnId)) return { kind: 'already-refunded' };
  if (check?.status === 'approved' && !check.authorizationId)
    throw new Refusal('conflict', `the payment (${check.method}) went through no provider: refund it outside the OMS (bank transfer, marketplace)`);
  if (!check || (check.status !== 'approved' && check.status !== 'captured') || !check.authorizationId)
    throw new Refusal('conflict', 'the order has no approved payment to refund');
  if (request.currency !== check.currency)
    throw new Refusal('invalid', `the refund currency ${request.currency} differs from the payment currency ${check.currency}`);
  if (request.amount <= 0) throw new Refusal('invalid', 'a refund amount must be positive');
  const refunded = check.refunds.reduce((sum, r) => sum + r.amount, 0);
  const refundable = check.captured ?? check.amount;
  if (refunded + request.amount > refundable)
    throw new Refusal(
      'invalid',
      `refunding ${request.amount} would exceed the ${check.captured === undefined ? 'authorized' : 'captured'} ${refundable} (already refunded ${refunded})`,
    );
  return { kind: 'refund', authorizationId: check.authorizationId };
}
