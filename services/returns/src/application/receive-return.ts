import { notFound } from '@oms/errors';
import type { Message } from '@oms/messaging';
import { decideReceive, type Receipt } from '../domain/return';
import { refundAmount } from '../domain/return-lines';
import { toReturnView } from '../data-access/return-view';
import type { ReturnUseCaseDeps } from './returns-deps';

/** The parcel arrived at a location: record what came back, in which condition, and what to refund. */
export async function receiveReturn({ store, deliveredOrders }: ReturnUseCaseDeps, msg: Message<'return.receive.v1'>) {
  const { returnId, locationId, lines, actor } = msg.data;
  return store.change(returnId, msg, async (current) => {
    if (!current) throw notFound(`Return ${returnId}`);
    if (decideReceive(current, lines).kind === 'already-received') return { result: toReturnView(current) };
    const order = await deliveredOrders.byId(current.orderId);
    // The return was opened against this projection, so it must be there; if not, retry rather than guess.
    if (!order) throw new Error(`delivered order ${current.orderId} of return ${returnId} is missing`);
    const receipt: Receipt = { locationId, lines, at: new Date(), actor };
    const shipping = current.refundShipping ? (order.shippingPaid ?? 0) : 0;
    // A parcel returned to sender that is shipped again refunds nothing.
    const amount = current.reship ? 0 : refundAmount(order.lines, lines) + shipping;
    const received = { status: 'received' as const, receipt, refundAmount: amount };
    return {
      update: { $set: received },
      correlationId: current.orderId,
      emit: [
        {
          type: 'return.received.v1',
          data: {
            orderId: current.orderId,
            returnId,
            locationId,
            lines,
            refundAmount: received.refundAmount,
            currency: current.currency,
            ...(current.reship ? { reship: true } : {}),
          },
        },
      ],
      result: toReturnView({ ...current, ...received }),
    };
  });
}
