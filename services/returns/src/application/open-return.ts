import type { Message } from '@oms/messaging';
import { checkOpen, checkReopen } from '../domain/return';
import { orderReturnsLockKey } from '../data-access/return-model';
import { toReturnView } from '../data-access/return-view';
import type { ReturnUseCaseDeps } from './returns-deps';

/**
 * Open a return (RMA) for a delivered order; the gateway waits for this answer. The returns of one order are
 * opened one at a time: each is checked against what the others already asked for.
 */
export async function openReturn({ store, returns, deliveredOrders }: ReturnUseCaseDeps, msg: Message<'return.open.v1'>) {
  const { returnId, orderId, lines, refundShipping = false, orderDelivered, actor } = msg.data;
  return store.change(
    returnId,
    msg,
    async (current) => {
      if (current) {
        checkReopen(current, returnId, orderId);
        return { result: toReturnView(current) };
      }
      const order = await deliveredOrders.byId(orderId);
      // Delivered, as the gateway read the order, but its delivery has not reached this service yet: a plain
      // error is retried with the consumer's delays, until order.delivered.v1 is here.
      if (!order && orderDelivered) throw new Error(`order ${orderId} is delivered but its delivery has not reached returns yet: retried`);
      const shipping = { requested: refundShipping, refundedBy: refundShipping ? await returns.shippingRefundedBy(orderId) : undefined };
      checkOpen(order, await returns.linesRequested(orderId), lines, shipping);
      const createdAt = new Date();
      const opened = {
        orderId,
        status: 'requested' as const,
        lines,
        ...(refundShipping ? { refundShipping } : {}),
        currency: order.currency,
        createdBy: actor,
        createdAt,
        ...(await returns.listFieldsFor(createdAt)),
      };
      return {
        create: opened,
        correlationId: orderId,
        emit: [{ type: 'return.opened.v1', data: { orderId, returnId, lines } }],
        result: toReturnView({ _id: returnId, ...opened }),
      };
    },
    { alsoLock: [orderReturnsLockKey(orderId)] },
  );
}
