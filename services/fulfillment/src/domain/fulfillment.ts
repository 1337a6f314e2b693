import { Refusal } from '@oms/errors';

export type FulfillmentStatus = 'open' | 'packed' | 'cancelled';

export interface FulfillmentLine {
  sku: string;
  quantity: number;
}

export interface AllocatedLine extends FulfillmentLine {
  locationId: string;
}

/**
 * Split an order's allocated lines into the work of each ship-from location, one line per SKU (the same
 * SKU allocated twice at one location is picked as one line).
 */
export function groupLinesByLocation(lines: AllocatedLine[]): Map<string, FulfillmentLine[]> {
  const byLocation = new Map<string, Map<string, number>>();
  for (const { sku, quantity, locationId } of lines) {
    const skus = byLocation.get(locationId) ?? new Map<string, number>();
    skus.set(sku, (skus.get(sku) ?? 0) + quantity);
    byLocation.set(locationId, skus);
  }
  return new Map([...byLocation].map(([locationId, skus]) => [locationId, [...skus].map(([sku, quantity]) => ({ sku, quantity }))]));
}

export type PackDecision = { kind: 'pack' } | { kind: 'already-packed' };

/** Packing is idempotent: packing a packed fulfillment changes nothing; a cancelled one cannot be packed. */
export function decidePack(fulfillment: { status: FulfillmentStatus }, fulfillmentId: string): PackDecision {
  if (fulfillment.status === 'cancelled') throw new Refusal('conflict', `fulfillment ${fulfillmentId} is cancelled and cannot be packed`);
  return fulfillment.status === 'packed' ? { kind: 'already-packed' } : { kind: 'pack' };
}

/** Only work not done yet is cancelled: a packed parcel stays packed (it is dealt with as a return to stock). */
export const isCancellable = (fulfillment: { status: FulfillmentStatus }): boolean => fulfillment.status === 'open';
