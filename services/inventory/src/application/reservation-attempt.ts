import { availabilityOf, type LowStock } from '../domain/ledger';
import { locateCustomer } from '../domain/geo';
import type { ReservationRequest } from '../domain/reservation';
import { mergeLines, sourceOrder, type AllocatedLine, type ShortLine, type SourcingDecision } from '../domain/sourcing';
import type { InventoryDeps } from './inventory-deps';

/** Tries before giving up on a contended SKU (each conflict means another order just took the units). */
const MAX_ATTEMPTS = 20;

export type Attempt =
  /** `fresh`: this attempt took the units (not an earlier delivery). */
  | { taken: true; fresh: boolean; lines: AllocatedLine[]; reason: string; startedAt: number; low: LowStock[] }
  | { taken: false; shortLines: ShortLine[]; reason: string };

/**
 * Source the request and take the units in Redis, all lines or none. Sourcing decides from a snapshot of
 * the counters; the script then takes exactly those units, or nothing if another order took them first,
 * and sourcing decides again from a fresh snapshot. Units an earlier delivery took before it stopped are
 * found by their marker and kept. The caller holds the reservation's lock and writes the outcome within
 * the lease (`counters.assertFresh(startedAt)`).
 */
export async function attemptReservation(
  { counters, locations }: Pick<InventoryDeps, 'counters' | 'locations'>,
  reservationId: string,
  request: ReservationRequest,
): Promise<Attempt> {
  const lines = mergeLines(request.lines);
  const skus = lines.map((l) => l.sku);
  const customer = request.shipTo ? locateCustomer(request.shipTo.country, request.shipTo.postalCode) : undefined;
  const startedAt = Date.now();
  const held = await counters.held(reservationId);
  if (held) return { taken: true, fresh: false, lines: held, reason: 'reserved as decided before a restart', startedAt, low: [] };

  let decision: SourcingDecision | undefined;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const sourcing = { lines, ...(customer ? { customer } : {}), ...(request.pickupLocationId ? { pickupLocationId: request.pickupLocationId } : {}) };
    decision = sourceOrder(sourcing, await locations.all(), availabilityOf(await counters.snapshot(skus)));
    if (decision.status === 'short') return { taken: false, shortLines: decision.shortLines, reason: decision.reason };
    const startedAt = Date.now();
    const outcome = await counters.reserve(reservationId, decision.lines);
    if (outcome.status === 'ok') return { taken: true, fresh: true, lines: outcome.lines, reason: decision.reason, startedAt, low: outcome.low };
    if (outcome.status === 'applied')
      return { taken: true, fresh: false, lines: outcome.lines, reason: 'reserved as decided before a restart', startedAt, low: [] };
  }
  throw new Error(`reservation ${reservationId}: stock kept changing under ${MAX_ATTEMPTS} sourcing attempts`);
}
