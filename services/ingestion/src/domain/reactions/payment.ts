import { paymentFlowOf, type Screening } from '@oms/contracts';
import { notifyRefund } from '../notifications';
import { entry, isClosed, money, moveTo, putHold, releaseWhenReady, sinceIntake } from '../order-steps';
import { CANCELLABLE } from '../order-status';
import { paymentAmountsOf } from '../payment-status';
import type { OrderChange, OrderState, PaymentAmounts } from '../order';
import { checks, type Reaction } from './reaction';

/** What payment-check reports about the order's payment (under its current payment check key). */

/** The fraud screening's verdict for the timeline: its score, the rules that fired, and how long the check took. */
const screened = (screening?: Screening) =>
  screening
    ? `; fraud score ${screening.score}${screening.reasons.length ? ` (${screening.reasons.join('; ')})` : ''}${screening.durationMs !== undefined ? `; checked in ${screening.durationMs} ms` : ''}`
    : '';

export const paymentApproved: Reaction<'payment.approved.v1'> = (order, fact, change) => {
  const { amount, currency, providerRef, screening, reviewedBy } = fact.data;
  const reviewed = reviewedBy ? `; approved in review by ${reviewedBy}` : '';
  change.timeline.push(
    entry(
      fact,
      'payment_approved',
      `${money(amount, currency)} approved (${providerRef})${screened(screening)}${reviewed}; ${sinceIntake(order, fact)}`,
      reviewedBy ? { actor: reviewedBy } : {},
    ),
  );
  // A late copy after the void was reported (handled out of order): the check stays voided.
  if (order.checks.payment !== 'voided') {
    checks(order, change, { payment: 'approved' });
    // A card is authorized; a marketplace took the money already; an invoice is paid later, outside.
    const flow = paymentFlowOf(order.payment.method);
    if (flow === 'authorize') amounts(order, change, { authorized: amount });
    if (flow === 'channel' || flow === 'prepayment') amounts(order, change, { captured: amount });
  }
  if (voidIfClosed(order, fact, change)) return;
  // A prepayment's transfer arrived: the order goes on.
  if (order.status === 'awaiting_payment') moveTo(order, change, 'pending', fact, 'payment received');
  releaseWhenReady(order, change, fact);
};

/** A prepayment: the order waits for the customer's transfer (and is cancelled if it never comes). */
export const paymentAwaiting: Reaction<'payment.awaiting.v1'> = (order, fact, change) => {
  const { amount, currency } = fact.data;
  change.timeline.push(entry(fact, 'payment_awaited', `waiting for a bank transfer of ${money(amount, currency)}`));
  checks(order, change, { payment: 'awaiting' });
  if (order.status === 'pending') moveTo(order, change, 'awaiting_payment', fact);
};

/**
 * Fraud screening wants a person to look: the payment is authorized (or needs none) but the order is held
 * `payment_review` until ops approve (the hold's release) or reject it (POST /v1/orders/{id}/reject).
 */
export const paymentReview: Reaction<'payment.review.v1'> = (order, fact, change) => {
  const { amount, currency, screening } = fact.data;
  const detail = `fraud score ${screening.score} (${screening.reasons.join('; ')}): approve by releasing this hold, or reject the order`;
  change.timeline.push(entry(fact, 'payment_review', `${money(amount, currency)} held for review${screened(screening)}; ${sinceIntake(order, fact)}`));
  if (order.checks.payment === 'voided') return;
  checks(order, change, { payment: 'review' });
  if (paymentFlowOf(order.payment.method) === 'authorize' && amount > 0) amounts(order, change, { authorized: amount });
  if (voidIfClosed(order, fact, change)) return;
  putHold(order, change, { reason: 'payment_review', detail, at: fact.occurredAt, score: screening.score, reasons: screening.reasons });
  moveTo(order, change, 'on_hold', fact, 'payment_review');
};

export const paymentDeclined: Reaction<'payment.declined.v1'> = (order, fact, change) => {
  const { reason, screening, reviewedBy } = fact.data;
  change.timeline.push(
    entry(
      fact,
      'payment_declined',
      `${reason}${screening && !reviewedBy ? screened({ ...screening, reasons: [] }) : ''}`,
      reviewedBy ? { actor: reviewedBy } : {},
    ),
  );
  checks(order, change, { payment: 'declined' });
  if (paymentAmountsOf(order).authorized > 0) amounts(order, change, { authorized: 0 });
  const holds = change.set.holds ?? order.holds;
  if (holds.some((h) => h.reason === 'payment_review')) change.set.holds = holds.filter((h) => h.reason !== 'payment_review');
  if (moveTo(order, change, 'rejected', fact, `payment declined: ${reason}`))
    change.send.push({ type: 'stock.release.v1', data: { orderId: order.checkKeys.stock } });
};

export const paymentVoided: Reaction<'payment.voided.v1'> = (order, fact, change) => {
  change.timeline.push(entry(fact, 'payment_voided'));
  checks(order, change, { payment: 'voided' });
  if (paymentAmountsOf(order).authorized > 0) amounts(order, change, { authorized: 0 });
};

/** The money was taken at shipment: the payment is `captured` (refunds go against it). */
export const paymentCaptured: Reaction<'payment.captured.v1'> = (order, fact, change) => {
  const { amount, currency, providerRef, reauthorizedFrom } = fact.data;
  const reauthorized = reauthorizedFrom ? `; authorization ${reauthorizedFrom} had expired, a new one was taken` : '';
  change.timeline.push(entry(fact, 'payment_captured', `${money(amount, currency)} captured (${providerRef})${reauthorized}`));
  if (order.checks.payment === 'approved') checks(order, change, { payment: 'captured' });
  amounts(order, change, { captured: amount });
};

export const paymentRefunded: Reaction<'payment.refunded.v1'> = (order, fact, change) => {
  const { amount, currency, returnId, providerRef } = fact.data;
  change.timeline.push(entry(fact, 'refunded', `refund of ${money(amount, currency)} for return ${returnId} (${providerRef})`));
  checks(order, change, { payment: 'refunded' });
  amounts(order, change, { refunded: paymentAmountsOf(order).refunded + amount });
  change.set.returns = order.returns.map((r) => (r.id === returnId ? { ...r, status: 'refunded' as const } : r));
  notifyRefund(order, change, fact);
};

/** The card authorization was renewed before it expired (the order had not shipped yet). */
export const paymentReauthorized: Reaction<'payment.reauthorized.v1'> = (order, fact, change) => {
  const { authorizationId, replaced, expiresAt } = fact.data;
  change.timeline.push(
    entry(
      fact,
      'payment_reauthorized',
      `authorization ${replaced} renewed before it expired: ${authorizationId}${expiresAt ? `, valid until ${expiresAt}` : ''}`,
    ),
  );
};

/**
 * The authorization is about to expire and the provider declined a new one: the money is not secured. An
 * order not shipped yet is held `payment_review` for ops: collect the payment another way and release the
 * hold, or cancel the order.
 */
export const paymentReauthorizationDeclined: Reaction<'payment.reauthorization-declined.v1'> = (order, fact, change) => {
  const { reason, expiresAt } = fact.data;
  const detail = `the card authorization expires${expiresAt ? ` at ${expiresAt}` : ''} and the provider declined a new one (${reason}): collect the payment another way and release this hold, or cancel the order`;
  change.timeline.push(entry(fact, 'payment_reauthorization_declined', detail));
  // Only an order that has not left the shelf can still be stopped (the statuses it may be cancelled in).
  if (!CANCELLABLE.includes(order.status)) return;
  putHold(order, change, { reason: 'payment_review', detail, at: fact.occurredAt });
  moveTo(order, change, 'on_hold', fact, 'payment_review');
};

/**
 * A payment reported for an order cancelled or rejected meanwhile: the void sent with the cancel may have
 * overtaken the check and found nothing to void, so void again. True when the order is closed.
 */
function voidIfClosed(order: OrderState, fact: Parameters<typeof entry>[0], change: OrderChange): boolean {
  if (!isClosed(order)) return false;
  change.timeline.push(entry(fact, 'payment_void_requested', `the order is ${order.status}: the authorization is voided`, { service: 'ingestion' }));
  change.send.push({ type: 'payment.void.v1', data: { orderId: order.checkKeys.payment } });
  return true;
}

/** Record amounts reported for the payment over those the order (and this change) already has. */
function amounts(order: OrderState, change: OrderChange, patch: Partial<PaymentAmounts>): void {
  change.set.paymentAmounts = { ...paymentAmountsOf(order), ...change.set.paymentAmounts, ...patch };
}
