import type { Envelope, MessageData, MessageType } from '@oms/contracts';
import { notFound } from '@oms/errors';
import { deterministicId, type HandlerMap } from '@oms/messaging';
import type { ServiceContext } from '@oms/runtime';
import type { OrderChange, OrderState } from '../../domain/order';
import { orderIdOfCheckKey } from '../../domain/check-keys';
import { milestonesReached } from '../../domain/milestones';
import { amendOrder, releaseHold } from '../../domain/order-amend';
import { decideOnShortage } from '../../domain/order-decide';
import { acceptOrder, cancelOrder, onOrderEvent } from '../../domain/order-process';
import { QUEUES } from '@oms/contracts';
import { OrderRepository } from '../../data-access/order-repository';
import { observeMilestones } from './milestone-metrics';

export const orderLockKey = (orderId: string) => `order:${orderId}`;

/**
 * Every message about an order is applied by one writer at a time (the order's lock), once (its id is
 * kept on the order), and stores the messages it causes in the same write (outbox), published right after.
 */
export function orderHandlers(ctx: ServiceContext<unknown>, orders: OrderRepository) {
  const outboxFor = (msg: Envelope, orderId: string, change: OrderChange) =>
    change.send.map((out, index) =>
      ctx.outbox.entry(out.type as MessageType, out.data as never, { correlationId: orderId, causationId: msg.id, id: deterministicId(msg.id, out.type, String(index)) }),
    );

  /**
   * Run `work` as the order's only writer, then publish its outbox. `work` returns the order's whole outbox
   * after its write (leftovers it read plus what it added), which saves reading the order again.
   */
  const withOrder = <T>(orderId: string, work: () => Promise<{ result?: T; outbox: Envelope[] }>) =>
    ctx.locks.withLock(orderLockKey(orderId), async () => {
      const { result, outbox } = await work();
      await ctx.outbox.flush(orders.model, orderId, outbox);
      return result;
    });

  const intake: HandlerMap = {
    // Inserted in a batch with the other intake messages in flight; its events go out right after the
    // insert, with no second write (docs/consistency.md rule 3, insert-only variant).
    'order.received.v1': async (msg, received) =>
      ctx.locks.withLock(orderLockKey(msg.data.orderId), async () => {
        const { state, change } = acceptOrder(msg.data.orderId, msg.data.order, msg);
        const events = outboxFor(msg, state.id, change);
        if ((await orders.insert(state, change, msg.id, events)) === 'inserted') {
          await ctx.outbox.publishInserted(orders.model, state.id, events);
          observeMilestones(state.createdAt, milestonesReached(state, change));
          return;
        }
        // A resend of an order we have (same id, or the same channel and external id): nothing to do, unless
        // this copy may have been handled before without being acknowledged: then what it stored goes out
        // again, in case that delivery stopped before the broker confirmed it.
        if (!received.repeated) return;
        const stored = await orders.unpublished(state.id);
        if (stored?.inserted.length) await ctx.outbox.publishInserted(orders.model, state.id, stored.inserted);
        if (stored) await ctx.outbox.flush(orders.model, state.id, stored.outbox);
      }),
  };

  /** A command from the API: applied once under the order's lock; the answer is the order as it is now. */
  const command =
    <T extends { orderId: string }>(decide: (order: OrderState, msg: Envelope<T>) => OrderChange) =>
    async (msg: Envelope<T>) =>
      withOrder(msg.data.orderId, async () => {
        const order = await orders.find(msg.data.orderId);
        if (!order) throw notFound(`Order ${msg.data.orderId}`);
        let outbox = order.outbox;
        if (!order.processed.includes(msg.id)) {
          const change = decide(order, msg);
          const added = outboxFor(msg, order.id, change);
          await orders.apply(order.id, change, msg.id, added);
          observeMilestones(order.createdAt, milestonesReached(order, change));
          outbox = [...outbox, ...added];
        }
        return { result: await orders.view(order.id), outbox };
      });

  const commands: HandlerMap = {
    'order.cancel.v1': command(cancelOrder),
    'order.amend.v1': command(amendOrder),
    'order.release-hold.v1': command(releaseHold),
    'order.decide.v1': command(decideOnShortage),
  };

  // Inventory and payment-check report under the check key they were asked with (check-keys.ts).
  const applyEvent = async (msg: Envelope<{ orderId: string }>) =>
    withOrder(orderIdOfCheckKey(msg.data.orderId), async () => {
      const order = await orders.find(orderIdOfCheckKey(msg.data.orderId));
      // Services only report on orders we sent them: an unknown id is a bug elsewhere; retry, then DLQ.
      if (!order) throw new Error(`order ${msg.data.orderId} is unknown`);
      if (order.processed.includes(msg.id)) return { outbox: order.outbox };
      const change = onOrderEvent(order, msg);
      const added = outboxFor(msg, order.id, change);
      await orders.apply(order.id, change, msg.id, added);
      observeMilestones(order.createdAt, milestonesReached(order, change));
      return { outbox: [...order.outbox, ...added] };
    });

  const progress: HandlerMap = {};
  for (const type of QUEUES.find((q) => q.name === 'ingestion.order-progress')!.events!) {
    (progress as Record<string, unknown>)[type] = (msg: Envelope<MessageData<typeof type>>) => applyEvent(msg as Envelope<{ orderId: string }>);
  }

  return { 'ingestion.order-intake': intake, 'ingestion.commands': commands, 'ingestion.order-progress': progress };
}
