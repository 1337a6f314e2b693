import { unprocessable } from '@oms/errors';
import type { LowStock } from '../domain/ledger';
import type { PlannedChange } from '../domain/movement-rules';
import type { MovementDoc, Models } from './models';
import { insertMovementsOnce, movementsByIds } from './movements';
import type { StockCounters } from './stock-counters';

export interface BookedBatch {
  /** One id per entry, deterministic, so a redelivery finds what it stored. */
  ids: string[];
  changes: PlannedChange[];
  actor: string;
  /** Where a refusal points: the request's field prefix (e.g. `movements`). */
  path: string;
}

/**
 * Book ledger entries: on hand in Redis first (refused as a whole if it would take reserved stock), then
 * the entries in the store. Once every entry is stored the batch is done, and a redelivery changes nothing.
 * Answers the entries, and where the batch brought available to promise down to a reorder point.
 */
export async function bookMovements(models: Models, counters: StockCounters, batchId: string, batch: BookedBatch): Promise<{ movements: MovementDoc[]; low: LowStock[] }> {
  const stored = await movementsByIds(models, batch.ids);
  if (stored.length === batch.ids.length) return { movements: stored, low: [] };

  const startedAt = Date.now();
  const outcome = await counters.move(
    batchId,
    batch.changes.map((c) => ({ sku: c.movement.sku, locationId: c.movement.locationId, kind: c.kind, value: c.movement.quantity })),
  );
  if (outcome.status === 'refused') {
    const { movement, index } = batch.changes[outcome.index]!;
    const message = `would take on hand of ${movement.sku} at ${movement.locationId} from ${outcome.onHand} to ${outcome.after}, below the ${outcome.reserved} reserved`;
    throw unprocessable('The stock movements would take reserved stock', [{ path: `${batch.path}.${index}.quantity`, message }]);
  }
  counters.assertFresh(startedAt);
  const at = new Date();
  const docs: MovementDoc[] = batch.changes.map((c, i) => ({
    _id: batch.ids[i]!,
    ...c.movement,
    quantity: outcome.booked[i]!,
    ...(c.kind === 'set' ? { counted: c.movement.quantity } : {}),
    actor: batch.actor,
    at,
  }));
  await insertMovementsOnce(models, docs);
  return { movements: await movementsByIds(models, batch.ids), low: outcome.low };
}
