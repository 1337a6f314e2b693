import { Refusal } from '@oms/errors';
import type { Message } from '@oms/messaging';
import { decideRefund } from '../domain/payment-check';
import { paymentCheckId } from '../data-access/payment-check-model';
import type { PaymentUseCaseDeps } from './payment-check-deps';

/**
 * Refund what a return is owed against the order's authorization, once per return. The return id is the
 * provider's idempotency key: one refund per return there, whatever happens here.
 */
export async function refundPayment({ store, provider }: PaymentUseCaseDeps, msg: Message<'payment.refund.v1'>): Promise<void> {
  const { orderId, returnId, amount, currency } = msg.data;
  await store.change(paymentCheckId(orderId), msg, async (current) => {
    const decision = decideRefund(current, { returnId, amount, currency });
    if (decision.kind === 'already-refunded') return {};
    const result = await provider.refund({ authorizationId: decision.authorizationId, amount, currency }, returnId);
    // A verdict, not an outage (those throw and are retried): refused, and since ingestion sends refunds
    // without waiting, the refusal is published as command.refused.v1 for the order and its return.
    if (!result.ok) throw new Refusal('invalid', `the payment provider refused the refund (${result.status}): ${result.error}`);
    return {
      update: { $push: { refunds: { returnId, amount, providerRef: result.refundId, at: new Date() } } },
      correlationId: orderId,
      emit: [{ type: 'payment.refunded.v1', data: { orderId, returnId, amount, currency, providerRef: result.refundId } }],
    };
  });
}
