import type { Message } from '@oms/messaging';
import { orderIdOfCheckKey } from '../domain/check-keys';
import { milestonesReached, type Milestone } from '../domain/milestones';
import { syncFulfillmentHold } from '../domain/order-steps';
import { reactTo, type OrderEventType } from '../domain/reactions';
import { orderUpdate, toState } from '../data-access/order-repository';
import { observeMilestones } from './milestone-metrics';
import type { OrderUseCaseDeps } from './orders';

/**
 * A fact another service reports about an order changes the order and sends what moves it on, once.
 * Inventory and payment-check report under the check key they were asked with (check-keys.ts).
 */
export async function applyOrderEvent<T extends OrderEventType>({ store }: OrderUseCaseDeps, msg: Message<T>) {
  const orderId = orderIdOfCheckKey(msg.data.orderId);
  // Set only when this delivery decided the change: a message applied before (a redelivery after a lost
  // ack) answers the order's view instead of decide's result, and its milestones were counted then.
  let reached: { acceptedAt: string; milestones: Milestone[] } | undefined;
  await store.change(orderId, msg, (doc) => {
    // Services only report on orders we sent them: an unknown id is a bug elsewhere; retry, then DLQ.
    if (!doc) throw new Error(`order ${orderId} is unknown`);
    const order = toState(doc);
    const change = reactTo(order, msg);
    syncFulfillmentHold(order, change);
    reached = { acceptedAt: order.createdAt, milestones: milestonesReached(order, change) };
    return { update: orderUpdate(change), emit: change.send };
  });
  if (reached) observeMilestones(reached.acceptedAt, reached.milestones);
}
