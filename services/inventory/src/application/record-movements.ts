import { deterministicId, type Message } from '@oms/messaging';
import { checkMovements, ledgerEntries, type RequestedMovement } from '../domain/movement-rules';
import { incomingId } from '../data-access/incoming-model';
import type { IncomingRepository } from '../data-access/incoming-repository';
import { movementView } from '../data-access/views';
import { announceStockLevels } from './announce-stock-levels';
import { bookMovements } from './book-movements';
import type { InventoryDeps } from './inventory-deps';

/** A batch of movements from ops (or a stock import), booked whole or not at all. */
export async function recordMovements(deps: InventoryDeps, msg: Message<'stock.record-movements.v1'>) {
  const { locations, incoming, backorders } = deps;
  const { movements, actor } = msg.data;
  const locationIds = [...new Set(movements.flatMap((m) => [m.locationId, ...(m.toLocationId ? [m.toLocationId] : [])]))];
  checkMovements(movements, await locations.knownIds(locationIds));

  const changes = ledgerEntries(movements);
  const ids = changes.map((_, i) => deterministicId(msg.id, 'movement', String(i)));
  const booked = await bookMovements(deps, msg.id, { ids, changes, actor, path: 'movements' });
  await closeIncoming(incoming, movements);
  await announceStockLevels(deps, booked, msg.id);
  if (booked.movements.some((m) => m.quantity > 0)) backorders.serveSoon();
  return { movements: booked.movements.map(movementView) };
}

/** A receipt with the reference of an expected receipt (same SKU and location) closes it. */
async function closeIncoming(incoming: IncomingRepository, movements: RequestedMovement[]): Promise<void> {
  for (const m of movements) {
    if (m.type !== 'receipt' || m.reference === undefined) continue;
    await incoming.markReceived(incomingId(m.reference, m.sku, m.locationId));
  }
}
