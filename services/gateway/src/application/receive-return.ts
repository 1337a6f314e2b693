import type { MessageData } from '@oms/contracts';
import { AppError, unprocessable } from '@oms/errors';
import type { Principal } from '../domain/access/principal';
import type { QueryDeps } from './deps';
import { inventoryQueries } from './inventory-queries';
import type { Command } from './send-command';

export type ReceiptRequest = Pick<MessageData<'return.receive.v1'>, 'locationId' | 'lines'>;

/**
 * Receiving a return at a location inventory knows. The restock that follows the receipt is sent later and
 * without waiting (by ingestion), so an unknown location would be refused there only after the return was
 * recorded as received, its goods booked nowhere: it is refused here at once, and nothing is sent.
 */
export async function receiveReturnCommand(
  deps: QueryDeps,
  principal: Principal,
  returnId: string,
  request: ReceiptRequest,
): Promise<Command<'return.receive.v1'>> {
  await assertLocationExists(deps, request.locationId);
  return { type: 'return.receive.v1', data: { returnId, ...request, actor: principal.actor }, correlationId: returnId };
}

async function assertLocationExists(deps: QueryDeps, locationId: string): Promise<void> {
  try {
    await inventoryQueries(deps).location(locationId);
  } catch (err) {
    // Inventory's 404 is about the location, not about the return this request names: a 422 on the field.
    if (err instanceof AppError && err.status === 404) {
      const message = `location ${locationId} does not exist`;
      throw unprocessable(message, [{ path: 'locationId', message }]);
    }
    throw err; // inventory unreachable: 503, the client comes back later
  }
}
