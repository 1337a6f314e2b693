import { AppError, notFound } from '@oms/errors';
import { orderAccess, type Principal } from '../domain/access/principal';
import { seg, type QueryDeps } from './deps';

/** An order as ingestion's query API answers it; the gateway reads its channel and passes the rest on. */
export interface OrderView {
  id: string;
  channel: string;
  status: string;
  timeline: unknown[];
  [field: string]: unknown;
}

/** Ingestion's answer: the order, or its 404 problem. */
export const readOrder = (deps: QueryDeps, id: string) => deps.upstreams.ingestion.get<OrderView>(`/internal/orders/${seg(id)}`);

/** Refuses a key that may not see the order of `channel`: 403 for a key without channel roles, 404 (as if missing) for another channel's. */
export function assertOrderAccess(principal: Principal, orderId: string, channel?: string): void {
  const access = orderAccess(principal, channel);
  if (access === 'forbidden') throw new AppError(403, 'Forbidden', "This key's roles do not cover orders");
  if (access === 'hidden') throw notFound(`Order ${orderId}`);
}

/**
 * Reading something of an order (its payments, shipments, returns): ops always, with no read; a channel key
 * for its own channel's orders (ingestion is asked whose the order is), another channel's order being a 404
 * as if it did not exist; any other key gets 403.
 */
export async function assertMayReadOrder(deps: QueryDeps, principal: Principal, orderId: string): Promise<void> {
  const channel = orderAccess(principal) === 'read' ? (await readOrder(deps, orderId)).channel : undefined;
  assertOrderAccess(principal, orderId, channel);
}

/** The order, if this key may see it: another channel's order is a 404, exactly like a missing one. */
export async function visibleOrder(deps: QueryDeps, principal: Principal, id: string): Promise<OrderView> {
  const order = await readOrder(deps, id);
  if (orderAccess(principal, order.channel) !== 'allowed') throw notFound(`Order ${id}`);
  return order;
}
