import type { MessageData, QueueMessageType } from '@oms/contracts';
import type { Principal } from '../domain/access/principal';
import type { QueryDeps } from './deps';
import { visibleOrder } from './order-access';
import type { Command } from './send-command';

/** The commands about one order that ingestion takes from the API. */
export type OrderCommandType = QueueMessageType<'ingestion.commands'>;

/**
 * A command about an order, from a key that may change it. The order is read first: an unknown order is
 * ingestion's 404 before anything is sent, and a channel key may change only its own channels' orders
 * (another channel's order is a 404 like a missing one). Ingestion cannot make that check itself: the
 * commands do not say which channels the sender may touch.
 */
export async function orderCommand<T extends OrderCommandType>(deps: QueryDeps, principal: Principal, type: T, data: MessageData<T>): Promise<Command<T>> {
  await visibleOrder(deps, principal, data.orderId);
  return { type, data, correlationId: data.orderId };
}
