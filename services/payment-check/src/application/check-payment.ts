import { needsAuthorization, paymentFlowOf, type Outgoing, type Screening } from '@oms/contracts';
import type { Message } from '@oms/messaging';
import { expiryDay, paymentCheckId } from '../data-access/payment-check-model';
import type { AuthorizationResult } from '../data-access/payment-provider';
import { withoutProviderCall } from '../domain/payment-check';
import type { PaymentUseCaseDeps } from './payment-check-deps';
import { screenOrder } from './screen-order';

/**
 * Check an order's payment, once per order. First fraud screening (when the command carries the order's
 * risk signals): a score at the reject threshold declines the payment without asking the provider. Then
 * card and wallet payments are authorized with the provider; invoice, cash on delivery, marketplace-collected
 * payments and a nothing-due order (gift cards paid it all) are approved without a provider call
 * (domain/payment-check.ts). A score at the review threshold keeps the authorized (or approved) payment
 * `in_review` until ops decide (decide-review.ts).
 *
 * The provider is called inside the check's lock with the check's id as idempotency key, so a retry after a timeout or a crash gets the first
 * authorization back, never a second one. A provider outage throws: nothing is stored and the message is
 * retried later. A check that exists already (the command sent again) stays as it is.
 */
export async function checkPayment(deps: PaymentUseCaseDeps, msg: Message<'payment.check.v1'>): Promise<void> {
  const { store, provider } = deps;
  const { orderId, amount, currency, provider: providerName, method, reference, risk } = msg.data;
  const checkId = paymentCheckId(orderId);
  const flow = paymentFlowOf(method);
  const started = Date.now();
  await store.change(checkId, msg, async (current) => {
    if (current) return {};
    const screened = risk ? await screenOrder(deps.screening, checkId, risk, currency) : undefined;
    const outcome = screened?.screening.outcome ?? 'approve';
    const result: Verdict =
      outcome === 'reject'
        ? { status: 'declined', reason: `rejected by fraud screening: score ${screened!.screening.score}; ${screened!.screening.reasons.join('; ')}` }
        : needsAuthorization(flow, amount)
          ? await provider.authorize({ reference, amount, currency, method }, checkId)
          : withoutProviderCall(flow, amount);
    const inReview = outcome === 'review' && result.status !== 'declined';
    const expiresAt = result.status === 'approved' && 'expiresAt' in result ? result.expiresAt : undefined;
    const screening = screened && { ...screened.screening, durationMs: Date.now() - started };
    const check = { orderId, checkId, amount, currency, screening };
    return {
      create: {
        orderId,
        amount,
        currency,
        provider: providerName,
        method,
        flow,
        reference,
        status: inReview ? 'in_review' : result.status,
        authorizationId: result.authorizationId,
        authorizationExpiresAt: expiresAt,
        authExpiresDay: expiryDay(expiresAt),
        declineReason: result.status === 'declined' ? result.reason : undefined,
        refunds: [],
        createdAt: new Date(),
        customerKey: screened?.customerKey,
        addressKey: screened?.addressKey,
        orderTotal: risk?.total,
        screening,
      },
      correlationId: orderId,
      emit: [inReview ? { type: 'payment.review.v1', data: { orderId, checkId, amount, currency, screening: screening! } } : verdictEvent(result, check)],
    };
  });
}

type Verdict = AuthorizationResult | ReturnType<typeof withoutProviderCall>;

/** What the order hears of the check: approved, declined, or waiting for the customer's transfer. */
export function verdictEvent(
  result: Verdict,
  check: { orderId: string; checkId: string; amount: number; currency: string; screening?: Screening; reviewedBy?: string },
): Outgoing {
  const { orderId, checkId, amount, currency, screening, reviewedBy } = check;
  // Absent, not undefined: an event kept in the outbox is stored as BSON, where undefined becomes null, which
  // the optional fields' schemas refuse when the relay publishes it after a crash.
  const extra = { ...(screening ? { screening } : {}), ...(reviewedBy ? { reviewedBy } : {}) };
  switch (result.status) {
    case 'approved':
      return {
        type: 'payment.approved.v1',
        data: { orderId, checkId, amount, currency, providerRef: result.authorizationId ?? ('note' in result ? result.note : ''), ...extra },
      };
    case 'awaiting_payment':
      return { type: 'payment.awaiting.v1', data: { orderId, checkId, amount, currency } };
    case 'declined':
      return { type: 'payment.declined.v1', data: { orderId, checkId, reason: result.reason, ...extra } };
  }
}
