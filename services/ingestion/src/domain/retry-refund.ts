import type { Fact } from '@oms/contracts';
import { Refusal } from '@oms/errors';
import { noChange, type OrderChange, type OrderState } from './order';
import { entry, money } from './order-steps';

/**
 * Ops ask again for a refund the payment provider refused (the return is `refund_failed`): the same refund
 * (return, amount, currency) is sent again; payment-check refunds each return once, so a refund that went
 * through meanwhile is not paid twice. A second retry before the answer changes nothing.
 */
export function retryRefund(order: OrderState, fact: Fact<'order.retry-refund.v1'>): OrderChange {
  const { returnId, actor } = fact.data;
  const ret = order.returns.find((r) => r.id === returnId);
  if (!ret) throw new Refusal('not_found', `The order has no return ${returnId}`);
  if (ret.status === 'received' && order.timeline.some((e) => e.type === 'refund_retry_requested' && e.detail?.includes(returnId))) return noChange();
  if (ret.status !== 'refund_failed')
    throw new Refusal('conflict', `The refund of return ${returnId} did not fail (the return is ${ret.status}): nothing to retry`);
  if (!ret.refund) throw new Refusal('conflict', `Return ${returnId} was received before refunds were kept on the order: refund it outside the OMS`);
  const change = noChange();
  change.timeline.push(
    entry(fact, 'refund_retry_requested', `refund of ${money(ret.refund.amount, ret.refund.currency)} for return ${returnId} asked for again`, { actor }),
  );
  change.set.returns = order.returns.map((r) => (r.id === returnId ? { ...r, status: 'received' as const } : r));
  change.send.push({
    type: 'payment.refund.v1',
    data: { orderId: order.checkKeys.payment, returnId, amount: ret.refund.amount, currency: ret.refund.currency },
  });
  return change;
}
