import type { AllocatedLine, Availability } from './sourcing';

/** Stock figures of one SKU at one location. */
export interface Counter {
  onHand: number;
  reserved: number;
  safetyStock: number;
  /** Set only where ops set one. */
  reorderPoint?: number;
}

/** SKU → location → counter. */
export type Counters = Map<string, Map<string, Counter>>;

export interface LedgerMovement {
  sku: string;
  locationId: string;
  quantity: number;
  type: string;
  /** Set on picks and short-pick corrections: the reservation they were booked for. */
  reservationId?: string;
  /** Set on short-pick corrections: the operation (message id) the reservation records once it is done. */
  operation?: string;
}

export interface LedgerReservation {
  _id: string;
  status: string;
  lines: AllocatedLine[];
  processed?: string[];
}

export interface LedgerSetting {
  sku: string;
  locationId: string;
  safetyStock: number;
  reorderPoint: number;
}

export function counterOf(counters: Counters, sku: string, locationId: string): Counter {
  let perLocation = counters.get(sku);
  if (!perLocation) counters.set(sku, (perLocation = new Map()));
  let counter = perLocation.get(locationId);
  if (!counter) perLocation.set(locationId, (counter = { onHand: 0, reserved: 0, safetyStock: 0 }));
  return counter;
}

/**
 * What the counters must be, from the documents alone: on hand is the sum of the ledger, reserved the sum
 * of the active reservations' lines. A pick counts once its reservation is consumed: a consume
 * stores the picks first and marks the reservation consumed second, and until then the units are still
 * counted as reserved (counting them as picked as well would take them off twice). A short-pick
 * correction likewise counts once the reservation records its operation (it changes the lines in the
 * same write).
 */
export function countersFromLedger(
  movements: Iterable<LedgerMovement>,
  reservations: Iterable<LedgerReservation>,
  settings: Iterable<LedgerSetting>,
): Counters {
  const counters: Counters = new Map();
  const consumed = new Set<string>();
  const operations = new Set<string>();
  for (const r of reservations) {
    if (r.status === 'consumed') consumed.add(r._id);
    for (const op of r.processed ?? []) operations.add(`${r._id}\u0000${op}`);
    if (r.status !== 'active') continue;
    for (const line of r.lines) counterOf(counters, line.sku, line.locationId).reserved += line.quantity;
  }
  for (const m of movements) {
    if (m.type === 'pick' && m.reservationId !== undefined && !consumed.has(m.reservationId)) continue;
    if (m.operation !== undefined && m.reservationId !== undefined && !operations.has(`${m.reservationId}\u0000${m.operation}`)) continue;
    counterOf(counters, m.sku, m.locationId).onHand += m.quantity;
  }
  for (const s of settings) Object.assign(counterOf(counters, s.sku, s.locationId), { safetyStock: s.safetyStock, reorderPoint: s.reorderPoint });
  return counters;
}

/** Units that can still be promised: on hand less what is reserved and the safety stock. */
export const availableToPromise = (c: Counter): number => c.onHand - c.reserved - c.safetyStock;

/** What sourcing may promise per SKU and location: available to promise, never below zero. */
export function availabilityOf(counters: Counters): Availability {
  const availability: Availability = new Map();
  for (const [sku, perLocation] of counters) availability.set(sku, new Map([...perLocation].map(([loc, c]) => [loc, Math.max(0, availableToPromise(c))])));
  return availability;
}

/** Available to promise fell to the reorder point with a change: worth telling the buyer (stock.low.v1). */
export interface LowStock {
  sku: string;
  locationId: string;
  available: number;
  reorderPoint: number;
}
