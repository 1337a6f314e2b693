import { randomUUID } from 'node:crypto';
import type { MessageData } from '@oms/contracts';
import type { Principal } from '../domain/access/principal';
import type { QueryDeps } from './deps';
import { assertOrderAccess, readOrder } from './order-access';
import type { Command } from './send-command';

export type ReturnRequest = Pick<MessageData<'return.open.v1'>, 'orderId' | 'lines' | 'refundShipping'>;

/**
 * Opening a return, under a new return id. The order is read once, for two answers the returns service
 * cannot give: an unknown order is a 404 (there it would be "not delivered", a 409), and a channel key
 * opens returns of its own channels' orders only.
 */
export async function openReturnCommand(deps: QueryDeps, principal: Principal, request: ReturnRequest): Promise<Command<'return.open.v1'>> {
  const order = await readOrder(deps, request.orderId);
  assertOrderAccess(principal, request.orderId, order.channel);
  const returnId = randomUUID();
  // Delivered here means returns will hear of it: it waits for that instead of refusing (a race, not an error).
  const orderDelivered = order.status === 'delivered' || order.status === 'returned';
  return {
    type: 'return.open.v1',
    data: { returnId, ...request, ...(orderDelivered ? { orderDelivered } : {}), actor: principal.actor },
    correlationId: request.orderId,
  };
}
