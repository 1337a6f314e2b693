import type { PaymentFlow } from '@oms/contracts';
import { Refusal } from '@oms/errors';

export type PaymentStatus = 'approved' | 'declined' | 'voided';

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
  refunds: RefundRecord[];
}

/** Only card and wallet payments (flow `authorize`) with something due go to the provider. */
export const needsAuthorization = (flow: PaymentFlow, amount: number) => flow === 'authorize' && amount > 0;

/** The verdict on a payment no provider is asked about: approved, with why no authorization exists. */
export function withoutProviderCall(flow: PaymentFlow, amount: number): { status: 'approved'; authorizationId?: undefined; note: string } {
  const why: Record<PaymentFlow, string> = {
    invoice: 'paid on invoice or delivery: no provider call',
    channel: 'collected by the channel: no provider call',
    authorize: 'nothing due after gift cards: no provider call',
  };
  return { status: 'approved', note: amount === 0 && flow !== 'authorize' ? `${why[flow]}, nothing due` : why[flow] };
}

export type VoidDecision =
  | { kind: 'nothing' }
  /** An approved authorization holds money on the card: release it at the provider first. */
  | { kind: 'void-at-provider'; authorizationId: string }
  /** Nothing is held (declined): record the void so the order can move on. */
  | { kind: 'mark-voided' };

export function decideVoid(check: PaymentCheckState | null): VoidDecision {
  if (!check || check.status === 'voided') return { kind: 'nothing' };
  if (check.status === 'approved' && check.authorizationId) return { kind: 'void-at-provider', authorizationId: check.authorizationId };
  return { kind: 'mark-voided' };
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
  if (!check || check.status !== 'approved' || !check.authorizationId) throw new Refusal('conflict', 'the order has no approved payment to refund');
  if (request.currency !== check.currency)
    throw new Refusal('invalid', `the refund currency ${request.currency} differs from the payment currency ${check.currency}`);
  if (request.amount <= 0) throw new Refusal('invalid', 'a refund amount must be positive');
  const refunded = check.refunds.reduce((sum, r) => sum + r.amount, 0);
  if (refunded + request.amount > check.amount)
    throw new Refusal('invalid', `refunding ${request.amount} would exceed the authorized ${check.amount} (already refunded ${refunded})`);
  return { kind: 'refund', authorizationId: check.authorizationId };
}
