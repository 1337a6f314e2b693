import type { Message } from '@oms/messaging';
import { isCancellable } from '../domain/fulfillment';
import { queueFields } from '../data-access/fulfillment-model';
import { toFulfillmentView, type FulfillmentView } from '../data-access/fulfillment-view';
import type { FulfillmentUseCaseDeps } from './fulfillment-deps';

/**
 * Cancel the order's fulfillments that are still open or being picked; packed parcels stay packed. Each is changed on its
 * own and decided on as read under its lock: it may have been packed since the query. The answer names
 * the fulfillments this command cancelled.
 */
export async function cancelFulfillments({ store, fulfillments }: FulfillmentUseCaseDeps, msg: Message<'fulfillment.cancel.v1'>) {
  const { orderId } = msg.data;
  const cancelled: string[] = [];
  for (const id of await fulfillments.cancelCandidates(orderId, msg.id)) {
    await fulfillments.noteQueueDay(id, 'cancelled');
    const view = await store.change<FulfillmentView | null>(id, msg, (current) => {
      if (!current || !isCancellable(current)) return { result: null };
      const change = { ...queueFields(current, 'cancelled'), cancelledAt: new Date() };
      return {
        update: { $set: change },
        correlationId: orderId,
        emit: [{ type: 'fulfillment.cancelled.v1', data: { orderId, fulfillmentIds: [id] }, key: id }],
        result: toFulfillmentView({ ...current, ...change }),
      };
    });
    // A fulfillment this command had cancelled before (a redelivery) answers its view too.
    if (view) cancelled.push(id);
  }
  return { cancelled };
}
