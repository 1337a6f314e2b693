import { needsAuthorization, paymentFlowOf, type Outgoing } from '@oms/contracts';
import type { Message } from '@oms/messaging';
import { paymentCheckId } from '../data-access/payment-check-model';
import type { AuthorizationResult } from '../data-access/payment-provider';
import { withoutProviderCall } from '../domain/payment-check';
import type { PaymentUseCaseDeps } from './payment-check-deps';

/**
 * Check an order's payment, once per order: card and wallet payments are authorized with the provider;
 * invoice, cash on delivery, marketplace-collected payments and a nothing-due order (gift cards paid it all)
 * are approved without a provider call (domain/payment-check.ts).
 *
 * The provider is called inside the check's lock with the check's id as idempotency key, so a retry after a timeout or a crash gets the first
 * authorization back, never a second one. A provider outage throws: nothing is stored and the message is
 * retried later. A check that exists already (the command sent again) stays as it is.
 */
export async function checkPayment({ store, provider }: PaymentUseCaseDeps, msg: Message<'payment.check.v1'>): Promise<void> {
  const { orderId, amount, currency, provider: providerName, method, reference } = msg.data;
  const checkId = paymentCheckId(orderId);
  const flow = paymentFlowOf(method);
  await store.change(checkId, msg, async (current) => {
    if (current) return {};
    const result = needsAuthorization(flow, amount)
      ? await provider.authorize({ reference, amount, currency, method }, checkId)
      : withoutProviderCall(flow, amount);
    return {
      create: {
        orderId,
        amount,
        currency,
        provider: providerName,
        method,
        flow,
        reference,
        status: result.status,
        authorizationId: result.authorizationId,
        declineReason: result.status === 'declined' ? result.reason : undefined,
        refunds: [],
        createdAt: new Date(),
      },
      correlationId: orderId,
      emit: [verdictEvent(result, { orderId, checkId, amount, currency })],
    };
  });
}

type Verdict = AuthorizationResult | ReturnType<typeof withoutProviderCall>;

/** What the order hears of the check: approved, declined, or waiting for the customer's transfer. */
function verdictEvent(result: Verdict, check: { orderId: string; checkId: string; amount: number; currency: string }): Outgoing {
  const { orderId, checkId, amount, currency } = check;
  switch (result.status) {
    case 'approved':
      return {
        type: 'payment.approved.v1',
        data: { orderId, checkId, amount, currency, providerRef: result.authorizationId ?? ('note' in result ? result.note : '') },
      };
    case 'awaiting_payment':
      return { type: 'payment.awaiting.v1', data: { orderId, checkId, amount, currency } };
    case 'declined':
      return { type: 'payment.declined.v1', data: { orderId, checkId, reason: result.reason } };
  }
}
