import type { Envelope, MessageData } from '@oms/contracts';
import { conflict, unprocessable } from '@oms/errors';
import { deterministicId } from '@oms/messaging';
import { returnView, type ReturnDoc } from '../../data-access/return.model';
import { checkReturnRequest } from '../../domain/return-lines';
import { orderReturnsLockKey, returnLockKey, type ReturnsDeps } from './deps';

/** Open a return (RMA) for a delivered order; the gateway waits for this answer. */
export async function openReturn(deps: ReturnsDeps, msg: Envelope<MessageData<'return.open.v1'>>) {
  const { returnId, orderId, lines, actor } = msg.data;
  return deps.locks.withLocks([orderReturnsLockKey(orderId), returnLockKey(returnId)], async () => {
    const existing = await deps.Returns.findById(returnId, { outbox: 0, processed: 0 }).lean();
    if (existing) {
      if (existing.orderId !== orderId) throw conflict(`return ${returnId} already exists for another order`);
      return returnView(existing as ReturnDoc); // the same request again: answer as the first time
    }
    const order = await deps.DeliveredOrders.findById(orderId).lean();
    if (!order) throw conflict('order is not delivered');

    const earlier = await deps.Returns.find({ orderId }, { lines: 1 }).lean();
    const errors = checkReturnRequest(order.lines, earlier.flatMap((r) => r.lines), lines);
    if (errors.length > 0) throw unprocessable('The return asks for items that cannot be returned', errors);

    const opened = deps.outbox.entry('return.opened.v1', { orderId, returnId, lines }, { correlationId: orderId, causationId: msg.id, id: deterministicId(returnId, 'return.opened.v1') });
    const doc: ReturnDoc = { _id: returnId, orderId, status: 'requested', lines, currency: order.currency, createdBy: actor, createdAt: new Date(), processed: [msg.id], outbox: [opened] };
    await deps.Returns.create(doc);
    await deps.outbox.flush(deps.Returns, returnId);
    return returnView(doc);
  });
}
