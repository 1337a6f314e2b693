import { Refusal } from '@oms/errors';
import type { Message } from '@oms/messaging';
import { decideCapture } from '../domain/payment-check';
import { paymentCheckId } from '../data-access/payment-check-model';
import type { PaymentUseCaseDeps } from './payment-check-deps';

/**
 * Take the authorized money when the order ships, once per check: the check id (with `:capture`) is the
 * provider's idempotency key, so a retry after a timeout gets the first capture back. An outage throws and
 * the command is retried; the provider's refusal (an expired authorization) is published as
 * command.refused.v1, so the order shows it.
 */
export async function capturePayment({ store, provider }: PaymentUseCaseDeps, msg: Message<'payment.capture.v1'>): Promise<void> {
  const { orderId, amount, currency } = msg.data;
  const checkId = paymentCheckId(orderId);
  await store.change(checkId, msg, async (current) => {
    const decision = decideCapture(current, { amount, currency });
    if (decision.kind === 'nothing') return {};
    const result = await provider.capture(decision.authorizationId, amount, `${checkId}:capture`);
    if (!result.ok) throw new Refusal('invalid', `the payment provider refused the capture (${result.status}): ${result.error}`);
    return {
      update: { $set: { status: 'captured', captured: amount, captureId: result.captureId, capturedAt: new Date() } },
      correlationId: orderId,
      emit: [{ type: 'payment.captured.v1', data: { orderId, checkId, amount, currency, providerRef: result.captureId } }],
    };
  });
}
