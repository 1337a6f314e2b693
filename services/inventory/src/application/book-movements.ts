import type { LowStock } from '../domain/ledger';
import { takesReservedStock, type PlannedChange } from '../domain/movement-rules';
import type { MovementDoc } from '../data-access/movement-model';
import type { InventoryDeps } from './inventory-deps';

export interface LedgerBatch {
  /** One id per entry, deterministic, so a redelivery finds what it stored. */
  ids: string[];
  changes: PlannedChange[];
  actor: string;
  /** Where a refusal points: the request's field holding the movements (e.g. `movements`). */
  path: string;
}

/**
 * Book ledger entries: on hand in Redis first (refused as a whole if it would take reserved stock), then
 * the entries in the store. Once every entry is stored the batch is done, and a redelivery changes nothing.
 * Answers the entries, where the batch brought available to promise down to a reorder point (`low`), and
 * where it brought it back above one (`replenished`).
 */
export async function bookMovements(
  { movements, counters }: Pick<InventoryDeps, 'movements' | 'counters'>,
  batchId: string,
  batch: LedgerBatch,
): Promise<{ movements: MovementDoc[]; low: LowStock[]; replenished: LowStock[] }> {
  const stored = await movements.byIds(batch.ids);
  if (stored.length === batch.ids.length) return { movements: stored, low: [], replenished: [] };

  const startedAt = Date.now();
  const outcome = await counters.move(
    batchId,
    batch.changes.map((c) => ({ sku: c.movement.sku, locationId: c.movement.locationId, kind: c.kind, value: c.movement.quantity })),
  );
  if (outcome.status === 'refused') throw takesReservedStock(batch.changes[outcome.index]!, batch.path, outcome);
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
  await movements.insertOnce(docs);
  return { movements: await movements.byIds(batch.ids), low: outcome.low, replenished: outcome.replenished };
}
