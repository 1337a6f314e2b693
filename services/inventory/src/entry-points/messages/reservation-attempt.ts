import type { ShortLineOptions } from '@oms/contracts';
import { availableToPromise, type Counters, type LowStock } from '../../domain/ledger';
import { locateCustomer } from '../../domain/geo';
import { mergeLines, sourceOrder, type AllocatedLine, type Availability, type ShortLine, type SourcingDecision } from '../../domain/sourcing';
import type { ReservationRequest } from '../../data-access/models';
import type { HandlerDeps } from './deps';

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
export async function attemptReservation({ counters, locations }: HandlerDeps, reservationId: string, request: ReservationRequest): Promise<Attempt> {
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
    if (outcome.status === 'applied') return { taken: true, fresh: false, lines: outcome.lines, reason: 'reserved as decided before a restart', startedAt, low: [] };
  }
  throw new Error(`reservation ${reservationId}: stock kept changing under ${MAX_ATTEMPTS} sourcing attempts`);
}

/** What sourcing may promise per SKU and location. */
export function availabilityOf(counters: Counters): Availability {
  const availability: Availability = new Map();
  for (const [sku, perLocation] of counters) availability.set(sku, new Map([...perLocation].map(([loc, c]) => [loc, Math.max(0, availableToPromise(c))])));
  return availability;
}

/**
 * The customer's ways out for each short line: the SKU's configured substitutes with what can be promised
 * of them (where this order could be served from), stock on its way with its date, or dropping the line.
 */
export async function shortOptions({ counters, locations, shortageFacts }: HandlerDeps, shortLines: ShortLine[], request: ReservationRequest): Promise<ShortLineOptions[]> {
  const substitutesPerLine = await Promise.all(shortLines.map((l) => shortageFacts.substitutesOf(l.sku)));
  const stock = availabilityOf(await counters.snapshot([...new Set(substitutesPerLine.flat())]));
  const serving = (await locations.all()).filter((l) => l.active && (request.pickupLocationId ? l.id === request.pickupLocationId : l.canShip)).map((l) => l.id);
  const promisable = (sku: string) => serving.reduce((sum, id) => sum + (stock.get(sku)?.get(id) ?? 0), 0);
  return Promise.all(
    shortLines.map(async (line, i) => {
      const incoming = await shortageFacts.openIncoming(line.sku);
      return {
        sku: line.sku,
        substitutes: substitutesPerLine[i].map((sku) => ({ sku, available: promisable(sku) })),
        incoming: incoming.map((x) => ({ locationId: x.locationId, quantity: x.quantity, expectedAt: x.expectedAt })),
        canCancelLine: true,
      };
    }),
  );
}
