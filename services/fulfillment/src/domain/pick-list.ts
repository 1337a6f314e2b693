import type { FulfillmentLine } from './fulfillment';

/** Where a SKU is stored at a location is not known yet: its lines are listed under this bin. */
export const UNASSIGNED_BIN = 'unassigned';

export interface PickListLine {
  bin: string;
  sku: string;
  /** Units to take of this SKU from this bin, for all the list's fulfillments. */
  quantity: number;
  /** Which fulfillment gets how many: the picker sorts them into its tote. */
  for: Array<{ fulfillmentId: string; orderId: string; quantity: number }>;
}

interface Picked {
  _id: string;
  orderId: string;
  lines: FulfillmentLine[];
  shipBy: Date;
}

/** The fulfillments a pick list takes: the open ones whose parcel must leave first, at most `max`. */
export function chooseForPickList<T extends { _id: string; shipBy: Date }>(candidates: T[], max: number): T[] {
  return [...candidates].sort((a, b) => new Date(a.shipBy).getTime() - new Date(b.shipBy).getTime() || a._id.localeCompare(b._id)).slice(0, max);
}

/**
 * The walk through the location: one line per bin and SKU, bins in order (a walk along the aisles when bins
 * are named by aisle), with what each fulfillment gets of it.
 */
export function pickListLines(fulfillments: Picked[], binOf: (sku: string) => string = () => UNASSIGNED_BIN): PickListLine[] {
  const byKey = new Map<string, PickListLine>();
  for (const f of fulfillments)
    for (const { sku, quantity } of f.lines) {
      const bin = binOf(sku);
      const key = `${bin}\u0000${sku}`;
      const line = byKey.get(key) ?? { bin, sku, quantity: 0, for: [] };
      line.quantity += quantity;
      line.for.push({ fulfillmentId: f._id, orderId: f.orderId, quantity });
      byKey.set(key, line);
    }
  return [...byKey.values()].sort((a, b) => a.bin.localeCompare(b.bin) || a.sku.localeCompare(b.sku));
}
