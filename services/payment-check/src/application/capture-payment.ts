import { Refusal } from '@oms/errors';
import type { Message } from '@oms/messaging';
import { decideCapture } from '../domain/payment-check';
import { paymentCheckId } from '../data-access/payment-check-model';
import type { PaymentUseCaseDeps } from './payment-check-deps';

/**
 * Take the authorized money when the order ships, once per check: the check id (with `:capture`) is the
 * provider's idempotency key, so a retry after a timeout gets the first capture back. An outage throws and
 * the command is retried; the provider's refusal is published as command.refused.v1, so the order shows it.
 *
 * An authorization that expired before the order shipped (card schemes hold money for about a week) is
 * authorized again for the amount to capture, under the key `<check id>:reauthorize` (a retry gets the same
 * new authorization), and that one is captured; a declined re-authorization is a refusal the order shows.
 */
export async function capturePayment({ store, provider }: PaymentUseCaseDeps, msg: Message<'payment.capture.v1'>): Promise<void> {
  const { orderId, amount, currency } = msg.data;
  const checkId = paymentCheckId(orderId);
  await store.change(checkId, msg, async (current) => {
    const decision = decideCapture(current, { amount, currency });
    if (decision.kind === 'nothing' || !current) return {};
    let authorizationId = decision.authorizationId;
    let reauthorized: { authorizationId: string; expiresAt?: string } | undefined;
    let result = await provider.capture(authorizationId, amount, `${checkId}:capture`);
    if (!result.ok && result.error === 'authorization_expired') {
      const again = await provider.authorize({ reference: current.reference, amount, currency, method: current.method }, `${checkId}:reauthorize`);
      if (again.status !== 'approved')
        throw new Refusal(
          'invalid',
          `the authorization expired before shipping and the provider declined a new one (${again.reason}): collect the payment another way`,
        );
      reauthorized = { authorizationId: again.authorizationId, expiresAt: again.expiresAt };
      authorizationId = again.authorizationId;
      result = await provider.capture(authorizationId, amount, `${checkId}:capture-reauthorized`);
    }
    if (!result.ok) throw new Refusal('invalid', `the payment provider refused the capture (${result.status}): ${result.error}`);
    const captured = { status: 'captured', captured: amount, captureId: result.captureId, capturedAt: new Date() };
    return {
      update: {
        $set: reauthorized
          ? {
              ...captured,
              authorizationId,
              authorizationExpiresAt: reauthorized.expiresAt,
              reauthorizedFrom: decision.authorizationId,
              reauthorizedAt: new Date(),
            }
          : captured,
      },
      correlationId: orderId,
      emit: [
        {
          type: 'payment.captured.v1',
          data: { orderId, checkId, amount, currency, providerRef: result.captureId, ...(reauthorized ? { reauthorizedFrom: decision.authorizationId } : {}) },
        },
      ],
    };
  });
}
