import { availableOf, type StockLevel } from './stock-levels';

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

/** All or nothing: either every line is allocated, or the order is short and nothing is held. */
export type ReservationPlan = { status: 'active'; lines: AllocatedLine[] } | { status: 'short'; shortLines: ShortLine[] };

const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** One line per SKU (an order may list a SKU twice), in the order first seen. */
export function mergeLines(lines: RequestedLine[]): RequestedLine[] {
  const merged = new Map<string, number>();
  for (const line of lines) merged.set(line.sku, (merged.get(line.sku) ?? 0) + line.quantity);
  return [...merged].map(([sku, quantity]) => ({ sku, quantity }));
}

/**
 * Decide where an order's lines are reserved. One location serving the whole order is preferred (one
 * parcel); among those the one with the most stock of these SKUs left, then the lowest id for
 * determinism. Otherwise each line is split across locations, largest availability first.
 */
export function planReservation(requested: RequestedLine[], levels: StockLevel[]): ReservationPlan {
  const lines = mergeLines(requested);
  const available = new Map<string, Map<string, number>>();
  for (const level of levels) {
    const perLocation = available.get(level.sku) ?? new Map<string, number>();
    // Negative availability (should not happen) must not cancel out another location's stock.
    perLocation.set(level.locationId, Math.max(0, availableOf(level)));
    available.set(level.sku, perLocation);
  }
  const at = (sku: string, locationId: string) => available.get(sku)?.get(locationId) ?? 0;
  const totalOf = (sku: string) => [...(available.get(sku)?.values() ?? [])].reduce((s, q) => s + q, 0);

  const shortLines = lines.filter((l) => totalOf(l.sku) < l.quantity).map((l) => ({ sku: l.sku, requested: l.quantity, available: totalOf(l.sku) }));
  if (shortLines.length > 0) return { status: 'short', shortLines };

  const locations = [...new Set(levels.map((l) => l.locationId))].sort(byId);
  const single = locations
    .filter((loc) => lines.every((l) => at(l.sku, loc) >= l.quantity))
    .map((loc) => ({ loc, total: lines.reduce((s, l) => s + at(l.sku, loc), 0) }))
    .sort((a, b) => b.total - a.total || byId(a.loc, b.loc))[0];
  if (single) return { status: 'active', lines: lines.map((l) => ({ sku: l.sku, locationId: single.loc, quantity: l.quantity })) };

  const allocated: AllocatedLine[] = [];
  for (const line of lines) {
    let remaining = line.quantity;
    const candidates = locations.filter((loc) => at(line.sku, loc) > 0).sort((a, b) => at(line.sku, b) - at(line.sku, a) || byId(a, b));
    for (const loc of candidates) {
      if (remaining === 0) break;
      const take = Math.min(remaining, at(line.sku, loc));
      allocated.push({ sku: line.sku, locationId: loc, quantity: take });
      remaining -= take;
    }
  }
  return { status: 'active', lines: allocated };
}
