import type { Message } from '@oms/messaging';
import { decideReceipt } from '../domain/payment-check';
import { paymentCheckId } from '../data-access/payment-check-model';
import type { PaymentUseCaseDeps } from './payment-check-deps';

/**
 * Record money received for a prepayment (a bank transfer, by ops or a bank import), once per reference.
 * When what was received covers the amount, the payment is approved: the order goes on to the warehouse.
 */
export async function receivePayment({ store }: PaymentUseCaseDeps, msg: Message<'payment.receive.v1'>): Promise<void> {
  const { orderId, amount, currency, reference, actor } = msg.data;
  const checkId = paymentCheckId(orderId);
  await store.change(checkId, msg, (current) => {
    const decision = decideReceipt(current, { amount, currency, reference });
    if (decision.kind === 'nothing') return {};
    const receipt = { reference, amount, actor, at: new Date() };
    if (!decision.complete) return { update: { $push: { received: receipt } } };
    return {
      update: { $push: { received: receipt }, $set: { status: 'approved' } },
      correlationId: orderId,
      emit: [{ type: 'payment.approved.v1', data: { orderId, checkId, amount: current!.amount, currency, providerRef: `bank transfer ${reference}` } }],
    };
  });
}
