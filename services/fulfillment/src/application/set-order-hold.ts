import type { Message } from '@oms/messaging';
import { nextOrderHold } from '../domain/fulfillment';
import type { FulfillmentUseCaseDeps } from './fulfillment-deps';

/**
 * The order went on hold or came off it: each of its fulfillments keeps the newest word (by the order's
 * version), so a held order's work is not picked, packed or handed over, and shows as held in the queue.
 */
export async function setOrderHold({ store, fulfillments }: FulfillmentUseCaseDeps, msg: Message<'fulfillment.set-order-hold.v1'>) {
  const { orderId, held, reason, version } = msg.data;
  const changed: string[] = [];
  for (const { _id: id } of await fulfillments.ofOrder(orderId)) {
    await store.change(id, msg, (current) => {
      const next = current && nextOrderHold(current.orderHold, { held, version, ...(reason ? { reason } : {}) });
      if (!next) return {};
      changed.push(id);
      return { update: { $set: { orderHold: next } } };
    });
  }
  return { orderId, held, changed };
}
