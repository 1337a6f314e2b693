import type { LedgerEntry } from './movement-rules';
import type { AllocatedLine } from './sourcing';

/** Units of `sku` that `lines` hold at `locationId`. */
export const unitsAt = (lines: AllocatedLine[], sku: string, locationId: string): number =>
  lines.filter((l) => l.sku === sku && l.locationId === locationId).reduce((s, l) => s + l.quantity, 0);

export interface Correction {
  sku: string;
  locationId: string;
  missing: number;
}

/**
 * What left the reservation at the location: what its lines held there before, less what the same lines
 * hold after (lines keep their places; lines added after them were sourced elsewhere and do not count).
 */
export function shortPickCorrections(before: AllocatedLine[], after: AllocatedLine[], reported: Array<{ sku: string }>, locationId: string): Correction[] {
  const sameLines = after.slice(0, before.length);
  return reported
    .map((l) => ({ sku: l.sku, locationId, missing: unitsAt(before, l.sku, locationId) - unitsAt(sameLines, l.sku, locationId) }))
    .filter((c) => c.missing > 0);
}

/**
 * The count corrections in the ledger: one adjustment per corrected line, tagged with the reservation and
 * the operation, so a rebuild counts them only once the reservation records that operation (ledger.ts).
 */
export const correctionEntries = (corrections: Correction[], ids: string[], orderId: string, operation: string, actor: string, at: Date): LedgerEntry[] =>
  corrections.map((c, i) => ({
    _id: ids[i]!,
    sku: c.sku,
    locationId: c.locationId,
    quantity: -c.missing,
    type: 'adjustment',
    reason: 'short pick: missing on the shelf',
    reference: orderId,
    reservationId: orderId,
    operation,
    actor,
    at,
  }));
