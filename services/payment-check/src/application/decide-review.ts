import type { Message } from '@oms/messaging';
import { paymentCheckId } from '../data-access/payment-check-model';
import { decideReview, withoutProviderCall } from '../domain/payment-check';
import { verdictEvent } from './check-payment';
import type { PaymentUseCaseDeps } from './payment-check-deps';

/**
 * Ops decided a payment held for a fraud review. Approved: the payment goes on as it would have without the
 * review (an authorization is approved; a prepayment starts waiting for its transfer). Rejected: an
 * authorization is voided at the provider first (an outage throws and the message is retried), then the
 * payment is declined, with who decided and why. A refusal (not in review) reaches the order's timeline as
 * `command.refused.v1`.
 */
export async function decidePaymentReview({ store, provider }: PaymentUseCaseDeps, msg: Message<'payment.decide-review.v1'>): Promise<void> {
  const { orderId, decision, actor, note } = msg.data;
  const checkId = paymentCheckId(orderId);
  await store.change(checkId, msg, async (current) => {
    const next = decideReview(current, decision);
    if (next.kind === 'nothing' || !current) return {};
    const review = { decision, actor, note, at: new Date() };
    const check = { orderId, checkId, amount: current.amount, currency: current.currency, screening: current.screening, reviewedBy: actor };
    if (next.kind === 'reject') {
      if (next.voidAuthorizationId) await provider.void(next.voidAuthorizationId);
      const reason = `rejected in fraud review by ${actor}${note ? `: ${note}` : ''}`;
      return {
        update: { $set: { status: 'declined', declineReason: reason, review, ...(next.voidAuthorizationId ? { voidedAt: new Date() } : {}) } },
        correlationId: orderId,
        emit: [verdictEvent({ status: 'declined', reason }, check)],
      };
    }
    const verdict = current.authorizationId
      ? ({ status: 'approved', authorizationId: current.authorizationId } as const)
      : withoutProviderCall(current.flow ?? 'authorize', current.amount);
    return {
      update: { $set: { status: verdict.status, review } },
      correlationId: orderId,
      emit: [verdictEvent(verdict, check)],
    };
  });
}
