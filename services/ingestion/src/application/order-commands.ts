import type { Fact, QueueMessageType } from '@oms/contracts';
import type { Message } from '@oms/messaging';
import { notFound } from '@oms/errors';
import { milestonesReached } from '../domain/milestones';
import type { OrderChange, OrderState } from '../domain/order';
import { syncFulfillmentHold } from '../domain/order-steps';
import { orderUpdate, toState, viewAfter } from '../data-access/order-repository';
import { observeMilestones } from './milestone-metrics';
import type { OrderUseCaseDeps } from './orders';

export type OrderCommandType = QueueMessageType<'ingestion.commands'>;

/**
 * A command from the API (cancel, amend, release a hold, decide on short stock): the domain decides, or
 * refuses with a 404/409/422 the gateway passes on; applied once, under the order's lock. A command scoped
 * to some channels (a channel key's) finds another channel's order as missing. The answer is the order as
 * it is after the change.
 */
export async function runOrderCommand<T extends OrderCommandType>(
  { store, orders }: OrderUseCaseDeps,
  decide: (order: OrderState, fact: Fact<T>) => OrderChange,
  msg: Message<T>,
) {
  let reached: { createdAt: string; milestones: ReturnType<typeof milestonesReached> } | undefined;
  const view = await store.change(msg.data.orderId, msg, async (doc) => {
    const order = doc ? toState(doc) : null;
    // Not stored yet, but the gateway accepted it moments ago: its intake is on the way (queued, or waiting
    // for a lock a crashed holder left). A plain error is retried with the consumer's delays (then the DLQ).
    if (!doc && msg.data.intakeInFlight) throw new Error(`order ${msg.data.orderId} is not stored yet; its intake is on the way: retried`);
    // Another channel's order is answered exactly like a missing one: its existence is not revealed.
    if (!doc || !order || (msg.data.channels && !msg.data.channels.includes(order.channel))) throw notFound(`Order ${msg.data.orderId}`);
    const change = decide(order, msg);
    syncFulfillmentHold(order, change);
    reached = { createdAt: order.createdAt, milestones: milestonesReached(order, change) };
    // Changed lines may add a SKU: its day is noted before the order says it has the SKU (or a search by it would miss the order).
    if (change.set.lines)
      await orders.noteSkus(
        order.createdAt,
        change.set.lines.map((l) => l.sku),
      );
    return { update: orderUpdate(change), emit: change.send, result: viewAfter(doc, change) };
  });
  if (reached) observeMilestones(reached.createdAt, reached.milestones);
  return view;
}
