import type { Envelope, MessageData, MessageType } from '@oms/contracts';
import { notFound } from '@oms/errors';
import { deterministicId, type HandlerMap } from '@oms/messaging';
import type { ServiceContext } from '@oms/runtime';
import type { OrderChange, OrderState } from '../../domain/order';
import { orderIdOfCheckKey } from '../../domain/check-keys';
import { amendOrder, releaseHold } from '../../domain/order-amend';
import { acceptOrder, cancelOrder, onOrderEvent } from '../../domain/order-process';
import { QUEUES } from '@oms/contracts';
import { OrderRepository } from '../../data-access/order-repository';

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

  const withOrder = <T>(orderId: string, work: () => Promise<T>) =>
    ctx.locks.withLock(orderLockKey(orderId), async () => {
      const result = await work();
      await ctx.outbox.flush(orders.model, orderId);
      return result;
    });

  const intake: HandlerMap = {
    'order.received.v1': async (msg) =>
      withOrder(msg.data.orderId, async () => {
        if (await orders.model.exists({ _id: msg.data.orderId })) return; // a resend of an order we have
        const { state, change } = acceptOrder(msg.data.orderId, msg.data.order, msg);
        await orders.insert(state, change, msg.id, outboxFor(msg, state.id, change));
      }),
  };

  /** A command from the API: applied once under the order's lock; the answer is the order as it is now. */
  const command =
    <T extends { orderId: string }>(decide: (order: OrderState, msg: Envelope<T>) => OrderChange) =>
    async (msg: Envelope<T>) =>
      withOrder(msg.data.orderId, async () => {
        const order = await orders.find(msg.data.orderId);
        if (!order) throw notFound(`Order ${msg.data.orderId}`);
        if (!order.processed.includes(msg.id)) {
          const change = decide(order, msg);
          await orders.apply(order.id, change, msg.id, outboxFor(msg, order.id, change));
        }
        return orders.view(order.id);
      });

  const commands: HandlerMap = {
    'order.cancel.v1': command(cancelOrder),
    'order.amend.v1': command(amendOrder),
    'order.release-hold.v1': command(releaseHold),
  };

  // Inventory and payment-check report under the check key they were asked with (check-keys.ts).
  const applyEvent = async (msg: Envelope<{ orderId: string }>) =>
    withOrder(orderIdOfCheckKey(msg.data.orderId), async () => {
      const order = await orders.find(orderIdOfCheckKey(msg.data.orderId));
      // Services only report on orders we sent them: an unknown id is a bug elsewhere; retry, then DLQ.
      if (!order) throw new Error(`order ${msg.data.orderId} is unknown`);
      if (order.processed.includes(msg.id)) return;
      const change = onOrderEvent(order, msg);
      await orders.apply(order.id, change, msg.id, outboxFor(msg, order.id, change));
    });

  const progress: HandlerMap = {};
  for (const type of QUEUES.find((q) => q.name === 'ingestion.order-progress')!.events!) {
    (progress as Record<string, unknown>)[type] = (msg: Envelope<MessageData<typeof type>>) => applyEvent(msg as Envelope<{ orderId: string }>);
  }

  return { 'ingestion.order-intake': intake, 'ingestion.commands': commands, 'ingestion.order-progress': progress };
}
