import { isDuplicateKeyError } from '@oms/mongo';
import type { MovementDoc, Models } from './models';

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

/** The ledger entries with these ids, in the order of the ids. */
export async function movementsByIds(models: Models, ids: string[]): Promise<MovementDoc[]> {
  const found = await models.Movements.find({ _id: { $in: ids } }).lean<MovementDoc[]>();
  const byId = new Map(found.map((m) => [m._id, m]));
  return ids.map((id) => byId.get(id)).filter((m): m is MovementDoc => m !== undefined);
}
