import type { Message } from '@oms/messaging';
import { acceptOrder } from '../domain/accept-order';
import { milestonesReached } from '../domain/milestones';
import { orderLockKey } from '../data-access/order-model';
import { observeMilestones } from './milestone-metrics';
import type { OrderUseCaseDeps } from './orders';

/**
 * Store a new order and start its checks. The insert goes in a batch with the other intake messages in
 * flight and carries the events of the acceptance, published right after it: one write per new order.
 * A resend of an order we have (the same id, or the same channel and external id) changes nothing; a copy
 * that may have been handled before without being acknowledged sends what that delivery may not have.
 */
export async function acceptReceivedOrder(
  { store, orders, coverage }: OrderUseCaseDeps,
  msg: Message<'order.received.v1'>,
  { repeated }: { repeated: boolean },
) {
  const { orderId } = msg.data;
  await store.withLock(orderId, async () => {
    const { state, change } = acceptOrder(orderId, msg.data.order, msg, coverage);
    const events = change.send.map((e, index) => store.envelope(msg, e, index));
    if ((await orders.insert(state, change, msg.id, events)) === 'inserted') {
      await store.publishInserted(orderId, events, msg.id);
      observeMilestones(state.createdAt, milestonesReached(state, change));
      return;
    }
    if (!repeated) return;
    const stored = await store.load(orderId);
    if (stored) await store.sendLeftovers(orderId, orderLockKey(orderId), stored);
  });
}
