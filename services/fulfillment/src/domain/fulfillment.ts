import { conflict, notFound, type FieldError } from '@oms/errors';

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
export function decidePack(fulfillment: { status: FulfillmentStatus } | null, fulfillmentId: string): PackDecision {
  if (!fulfillment) throw notFound(`fulfillment ${fulfillmentId}`);
  if (fulfillment.status === 'cancelled') throw conflict(`fulfillment ${fulfillmentId} is cancelled and cannot be packed`);
  return fulfillment.status === 'packed' ? { kind: 'already-packed' } : { kind: 'pack' };
}

/** Only work not done yet is cancelled: a packed parcel stays packed (it is dealt with as a return to stock). */
export const isCancellable = (fulfillment: { status: FulfillmentStatus }): boolean => fulfillment.status === 'open';

/**
 * A short pick: the missing units come off the fulfillment's lines (a line with nothing left goes). Every
 * reported SKU must be on the fulfillment, missing no more than it holds.
 */
export function applyShortPick(lines: FulfillmentLine[], missing: Array<{ sku: string; missing: number }>): { lines: FulfillmentLine[]; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const left = new Map(lines.map((l) => [l.sku, l.quantity]));
  missing.forEach((m, i) => {
    const held = left.get(m.sku);
    if (held === undefined) errors.push({ path: `lines.${i}.sku`, message: `${m.sku} is not on this fulfillment` });
    else if (m.missing > held) errors.push({ path: `lines.${i}.missing`, message: `only ${held} of ${m.sku} left to pick` });
    else left.set(m.sku, held - m.missing);
  });
  return { lines: lines.map((l) => ({ sku: l.sku, quantity: left.get(l.sku)! })).filter((l) => l.quantity > 0), errors };
}
