import type { Message } from '@oms/messaging';
import { decideVoid } from '../domain/payment-check';
import { paymentCheckId } from '../data-access/payment-check-model';
import type { PaymentUseCaseDeps } from './payment-check-deps';

/**
 * Void an order's payment: an approved authorization is released at the provider first (a provider outage
 * throws, and the message is retried). No check means nothing was ever authorized: nothing to release.
 */
export async function voidPayment({ store, provider }: PaymentUseCaseDeps, msg: Message<'payment.void.v1'>): Promise<void> {
  const { orderId } = msg.data;
  await store.change(paymentCheckId(orderId), msg, async (current) => {
    const decision = decideVoid(current);
    if (decision.kind === 'nothing') return {};
    if (decision.kind === 'void-at-provider') await provider.void(decision.authorizationId);
    return {
      update: { $set: { status: 'voided', voidedAt: new Date() } },
      correlationId: orderId,
      emit: [{ type: 'payment.voided.v1', data: { orderId } }],
    };
  });
}
