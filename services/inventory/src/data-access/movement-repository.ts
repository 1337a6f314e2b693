import { isDuplicateKeyError } from '@oms/mongo';
import type { MovementDoc } from './movement-model';
import type { Models } from './models';

/**
 * Insert ledger entries whose ids are deterministic; an entry already there (a redelivery, or a crash
 * half-way through) counts as done.
 */
export async function insertMovementsOnce(models: Models, movements: MovementDoc[]): Promise<void> {
  if (movements.length === 0) return;
  try {
    await models.Movements.insertMany(movements, { ordered: false });
  } catch (err) {
    const writeErrors = (err as { writeErrors?: Array<{ code?: number; err?: { code?: number } }> }).writeErrors;
    const onlyDuplicates = isDuplicateKeyError(err) && (writeErrors ?? []).every((e) => (e.code ?? e.err?.code) === 11000);
    if (!onlyDuplicates) throw err;
  }
}

/**
 * The ledger entries with these ids, in the order of the ids. One lookup per id rather than `$in`: FerretDB
 * (development and CI) serves only equality on `_id` from an index, and the ledger only grows.
 */
export async function movementsByIds(models: Models, ids: string[]): Promise<MovementDoc[]> {
  const found = await Promise.all(ids.map((id) => models.Movements.findById(id).lean<MovementDoc>()));
  return found.filter((m): m is MovementDoc => m !== null && m !== undefined);
}
