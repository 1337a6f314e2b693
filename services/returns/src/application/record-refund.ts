import type { Message } from '@oms/messaging';
import type { ReturnUseCaseDeps } from './returns-deps';

/**
 * The payment provider refunded a return (payment.refunded.v1): the return shows it refunded, also when an
 * earlier attempt was refused and ops retried it. A repeat changes nothing.
 */
export async function recordRefund({ store }: ReturnUseCaseDeps, msg: Message<'payment.refunded.v1'>): Promise<void> {
  const { returnId, amount, providerRef } = msg.data;
  await store.change(returnId, msg, async (current) => {
    // Refunds are only made for returns this service opened: an unknown one is a bug elsewhere; retry, then DLQ.
    if (!current) throw new Error(`return ${returnId} of a refund is unknown`);
    if (current.refunded) return {};
    return { update: { $set: { refunded: { amount, providerRef, at: new Date(msg.occurredAt) } } } };
  });
}
