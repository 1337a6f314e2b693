import { distanceKm, type Coordinates } from './geo';

export interface RequestedLine {
  sku: string;
  quantity: number;
}
export interface AllocatedLine {
  sku: string;
  locationId: string;
  quantity: number;
}
export interface ShortLine {
  sku: string;
  requested: number;
  available: number;
}

/** What sourcing needs to know about a location. */
export interface SourcingLocation {
  id: string;
  active: boolean;
  canShip: boolean;
  canPickup: boolean;
  /** 1 is the first choice; only breaks ties after distance and handling cost. */
  priority: number;
  /** Cost of one shipment from here, in minor units. */
  handlingCost: number;
  coordinates?: Coordinates;
}

/** Units that can still be promised, per SKU and location (never negative). */
export type Availability = Map<string, Map<string, number>>;

export interface SourcingRequest {
  lines: RequestedLine[];
  /** Where the parcel goes; without it distance plays no part. */
  customer?: Coordinates;
  /** A pickup order is served by this store only. */
  pickupLocationId?: string;
}

/** All or nothing: either every line is allocated, or the order is short and nothing is held. */
export type SourcingDecision = { status: 'active'; lines: AllocatedLine[]; reason: string } | { status: 'short'; shortLines: ShortLine[]; reason: string };

/** More location combinations than this are not tried one by one; the split falls back to a greedy cover. */
const MAX_COMBINATIONS = 20_000;

/** One line per SKU (an order may list a SKU twice), in the order first seen. */
export function mergeLines(lines: RequestedLine[]): RequestedLine[] {
  const merged = new Map<string, number>();
  for (const line of lines) merged.set(line.sku, (merged.get(line.sku) ?? 0) + line.quantity);
  return [...merged].map(([sku, quantity]) => ({ sku, quantity }));
}

const compareIds = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Choose where an order ships from. One location that can ship every line beats a split; among those the
 * nearest to the customer, then the lowest handling cost, then priority (then id, so the choice is
 * deterministic). Split only when no single location can serve, into as few shipments as possible.
 */
export function sourceOrder(request: SourcingRequest, locations: SourcingLocation[], availability: Availability): SourcingDecision {
  const lines = mergeLines(request.lines);
  const at = (sku: string, locationId: string) => Math.max(0, availability.get(sku)?.get(locationId) ?? 0);

  if (request.pickupLocationId !== undefined) return sourcePickup(lines, request.pickupLocationId, locations, at);

  const distance = new Map<string, number>();
  for (const l of locations) distance.set(l.id, request.customer && l.coordinates ? distanceKm(request.customer, l.coordinates) : Number.POSITIVE_INFINITY);
  const rank = (a: SourcingLocation, b: SourcingLocation) =>
    distance.get(a.id)! - distance.get(b.id)! || a.handlingCost - b.handlingCost || a.priority - b.priority || compareIds(a.id, b.id);
  // Two unknown distances give Infinity - Infinity = NaN, which is falsy: the next criterion decides.
  const ranked = [...locations].filter((l) => l.active && l.canShip).sort(rank);

  const shortLines = lines
    .map((l) => ({ sku: l.sku, requested: l.quantity, available: ranked.reduce((s, loc) => s + at(l.sku, loc.id), 0) }))
    .filter((l) => l.available < l.requested);
  if (shortLines.length > 0) return { status: 'short', shortLines, reason: shortReason(shortLines, ranked.length) };

  const single = ranked.find((loc) => lines.every((l) => at(l.sku, loc.id) >= l.quantity));
  if (single) {
    const serving = ranked.filter((loc) => lines.every((l) => at(l.sku, loc.id) >= l.quantity)).length;
    const km = distance.get(single.id)!;
    const why =
      serving === 1
        ? 'the only location able to ship every line'
        : `the best of ${serving} locations able to ship every line (by distance, then handling cost, then priority)`;
    return {
      status: 'active',
      lines: lines.map((l) => ({ sku: l.sku, locationId: single.id, quantity: l.quantity })),
      reason: `one shipment from ${single.id}${Number.isFinite(km) ? ` (${km} km)` : ''}: ${why}`,
    };
  }

  const chosen = fewestLocations(lines, ranked, at, (set) => set.reduce((s, l) => s + costOf(distance.get(l.id)!), 0));
  const allocated: AllocatedLine[] = [];
  for (const line of lines) {
    let remaining = line.quantity;
    for (const loc of chosen) {
      if (remaining === 0) break;
      const take = Math.min(remaining, at(line.sku, loc.id));
      if (take > 0) allocated.push({ sku: line.sku, locationId: loc.id, quantity: take });
      remaining -= take;
    }
  }
  return {
    status: 'active',
    lines: allocated,
    reason: `split into ${chosen.length} shipments (${chosen.map((l) => l.id).join(', ')}): no single location can ship every line`,
  };
}

/** Unknown distances count as far, but still compare (so sums stay finite). */
const costOf = (km: number) => (Number.isFinite(km) ? km : 100_000);

function sourcePickup(
  lines: RequestedLine[],
  storeId: string,
  locations: SourcingLocation[],
  at: (sku: string, locationId: string) => number,
): SourcingDecision {
  const store = locations.find((l) => l.id === storeId);
  if (!store || !store.active || !store.canPickup) {
    const shortLines = lines.map((l) => ({ sku: l.sku, requested: l.quantity, available: 0 }));
    return { status: 'short', shortLines, reason: `${storeId} does not serve pickups` };
  }
  const shortLines = lines.map((l) => ({ sku: l.sku, requested: l.quantity, available: at(l.sku, storeId) })).filter((l) => l.available < l.requested);
  if (shortLines.length > 0) return { status: 'short', shortLines, reason: `pickup at ${storeId}: ${shortReason(shortLines, 1)}` };
  return {
    status: 'active',
    lines: lines.map((l) => ({ sku: l.sku, locationId: storeId, quantity: l.quantity })),
    reason: `pickup at ${storeId}: reserved at the chosen store`,
  };
}

function shortReason(shortLines: ShortLine[], locationCount: number): string {
  const what = shortLines.map((l) => `${l.sku} (${l.available} of ${l.requested})`).join(', ');
  return `not enough stock at the ${locationCount} location(s) that can serve this order: ${what}`;
}

/**
 * The smallest set of locations that together hold every line (the caller has checked that all of them
 * together do), best by `cost` among sets of that size. Exact while the number of combinations is
 * small; a greedy cover (most missing units first) beyond that. Returned in rank order.
 */
function fewestLocations(
  lines: RequestedLine[],
  ranked: SourcingLocation[],
  at: (sku: string, locationId: string) => number,
  cost: (set: SourcingLocation[]) => number,
): SourcingLocation[] {
  const useful = ranked.filter((loc) => lines.some((l) => at(l.sku, loc.id) > 0));
  const covers = (set: SourcingLocation[]) => lines.every((l) => set.reduce((s, loc) => s + at(l.sku, loc.id), 0) >= l.quantity);
  for (let size = 2; size <= useful.length; size++) {
    if (binomial(useful.length, size) > MAX_COMBINATIONS) break;
    let best: SourcingLocation[] | undefined;
    for (const set of combinations(useful, size)) {
      if (covers(set) && (!best || cost(set) < cost(best))) best = set;
    }
    if (best) return best;
  }
  return greedyCover(lines, useful, at);
}

function greedyCover(lines: RequestedLine[], useful: SourcingLocation[], at: (sku: string, locationId: string) => number): SourcingLocation[] {
  const missing = new Map(lines.map((l) => [l.sku, l.quantity]));
  const chosen: SourcingLocation[] = [];
  while ([...missing.values()].some((q) => q > 0)) {
    const gain = (loc: SourcingLocation) => lines.reduce((s, l) => s + Math.min(missing.get(l.sku)!, at(l.sku, loc.id)), 0);
    const next = useful.filter((loc) => !chosen.includes(loc)).sort((a, b) => gain(b) - gain(a))[0]!;
    chosen.push(next);
    for (const l of lines) missing.set(l.sku, Math.max(0, missing.get(l.sku)! - at(l.sku, next.id)));
  }
  return useful.filter((loc) => chosen.includes(loc));
}

function* combinations<T>(items: T[], size: number, start = 0, prefix: T[] = []): Generator<T[]> {
  if (prefix.length === size) {
    yield prefix;
    return;
  }
  for (let i = start; i <= items.length - (size - prefix.length); i++) yield* combinations(items, size, i + 1, [...prefix, items[i]!]);
}

function binomial(n: number, k: number): number {
  let result = 1;
  for (let i = 1; i <= k; i++) result = (result * (n - i + 1)) / i;
  return result;
}
