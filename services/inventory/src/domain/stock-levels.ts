/** On hand and reserved quantity of one SKU at one location, both derived (never stored as counters). */
export interface StockLevel {
  sku: string;
  locationId: string;
  onHand: number;
  reserved: number;
}

export interface LocationStock {
  locationId: string;
  onHand: number;
  reserved: number;
  available: number;
}

export interface SkuStock {
  sku: string;
  onHand: number;
  reserved: number;
  available: number;
  locations: LocationStock[];
}

/** What can still be promised: on hand minus what active reservations hold. */
export const availableOf = (level: Pick<StockLevel, 'onHand' | 'reserved'>): number => level.onHand - level.reserved;

/** The view of one SKU the gateway shows: per location and in total. An unknown SKU is all zeros. */
export function summarizeSku(sku: string, levels: StockLevel[]): SkuStock {
  const locations = levels
    .filter((l) => l.sku === sku)
    .sort((a, b) => (a.locationId < b.locationId ? -1 : a.locationId > b.locationId ? 1 : 0))
    .map((l) => ({ locationId: l.locationId, onHand: l.onHand, reserved: l.reserved, available: availableOf(l) }));
  const onHand = locations.reduce((sum, l) => sum + l.onHand, 0);
  const reserved = locations.reduce((sum, l) => sum + l.reserved, 0);
  return { sku, onHand, reserved, available: onHand - reserved, locations };
}
