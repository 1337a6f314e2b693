import type { Envelope, MessageData } from '@oms/contracts';
import { notFound, unprocessable } from '@oms/errors';
import { deterministicId } from '@oms/messaging';
import { returnView, type Receipt, type ReturnDoc } from '../../data-access/return.model';
import { checkReceipt, refundAmount } from '../../domain/return-lines';
import { returnLockKey, type ReturnsDeps } from './deps';

/** The parcel arrived at a location: record what came back, in which condition, and what to refund. */
export async function receiveReturn(deps: ReturnsDeps, msg: Envelope<MessageData<'return.receive.v1'>>) {
  const { returnId, locationId, lines, actor } = msg.data;
  return deps.locks.withLock(returnLockKey(returnId), async () => {
    const ret = (await deps.Returns.findById(returnId, { outbox: 0 }).lean()) as ReturnDoc | null;
    if (!ret) throw notFound(`Return ${returnId}`);
    if (ret.status === 'received' || ret.processed.includes(msg.id)) return returnView(ret); // received once only

    const errors = checkReceipt(ret.lines, lines);
    if (errors.length > 0) throw unprocessable('The receipt does not match the return', errors);
    const order = await deps.DeliveredOrders.findById(ret.orderId).lean();
    // The return was opened against this projection, so it must be there; if not, retry rather than guess.
    if (!order) throw new Error(`delivered order ${ret.orderId} of return ${returnId} is missing`);

    const amount = refundAmount(order.lines, lines);
    const receipt: Receipt = { locationId, lines, at: new Date(), actor };
    const received = deps.outbox.entry(
      'return.received.v1',
      { orderId: ret.orderId, returnId, locationId, lines, refundAmount: amount, currency: ret.currency },
      { correlationId: ret.orderId, causationId: msg.id, id: deterministicId(returnId, 'return.received.v1') },
    );
    await deps.Returns.updateOne({ _id: returnId }, { $set: { status: 'received', receipt, refundAmount: amount }, $push: { outbox: received, processed: msg.id } });
    await deps.outbox.flush(deps.Returns, returnId);
    return returnView({ ...ret, status: 'received', receipt, refundAmount: amount });
  });
}
