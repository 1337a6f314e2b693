import { availableToPromise, type Counter } from './ledger';

export interface LocationStock {
  locationId: string;
  onHand: number;
  reserved: number;
  safetyStock: number;
  /** On hand less reserved less safety stock; never shown below zero (nothing can be promised then). */
  available: number;
  /** Only where one is set. */
  reorderPoint?: number;
}

export interface SkuStock {
  sku: string;
  onHand: number;
  reserved: number;
  safetyStock: number;
  available: number;
  locations: LocationStock[];
}

/** The view of one SKU the gateway shows: per location and in total. An unknown SKU is all zeros. */
export function summarizeSku(sku: string, perLocation: Map<string, Counter> | undefined): SkuStock {
  const locations = [...(perLocation ?? new Map<string, Counter>())]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([locationId, c]) => ({
      locationId,
      onHand: c.onHand,
      reserved: c.reserved,
      safetyStock: c.safetyStock,
      available: Math.max(0, availableToPromise(c)),
      ...(c.reorderPoint !== undefined ? { reorderPoint: c.reorderPoint } : {}),
    }));
  const sum = (pick: (l: LocationStock) => number) => locations.reduce((s, l) => s + pick(l), 0);
  return {
    sku,
    onHand: sum((l) => l.onHand),
    reserved: sum((l) => l.reserved),
    safetyStock: sum((l) => l.safetyStock),
    available: sum((l) => l.available),
    locations,
  };
}
