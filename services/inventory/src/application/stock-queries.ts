import type { TimeCursor } from '@oms/mongo';
import { availableToPromise, type Counter } from '../domain/ledger';
import { summarizeSku } from '../domain/stock-levels';
import { incomingView, movementView } from '../data-access/views';
import type { InventoryReads } from './inventory-deps';

/** More SKUs than this are not listed in one answer. */
const MAX_LISTED_SKUS = 5000;

/** One SKU per location and in total, with its open incoming receipts, lead time and substitutes. */
export async function stockOfSku({ incoming, skuSettings, counters }: InventoryReads, sku: string) {
  const [stock, open, settings] = await Promise.all([counters.snapshot([sku]), incoming.openOf(sku), skuSettings.byId(sku)]);
  return {
    ...summarizeSku(sku, stock.get(sku)),
    incoming: open.map(incomingView),
    leadTimeDays: settings?.leadTimeDays ?? 0,
    substitutes: settings?.substitutes ?? [],
  };
}

/** Every SKU's totals, by SKU. */
export async function stockTotals({ counters }: InventoryReads) {
  const skus = (await counters.knownSkus()).sort().slice(0, MAX_LISTED_SKUS);
  const stock = await counters.snapshot(skus);
  return skus.map((sku) => {
    const { locations: _l, ...totals } = summarizeSku(sku, stock.get(sku));
    return totals;
  });
}

/** The SKU and location pairs at or under their reorder point, lowest available first. */
export async function belowReorderPoint({ stockSettings, counters }: InventoryReads) {
  const settings = await stockSettings.reorderPoints();
  const stock = await counters.snapshot([...new Set(settings.map((s) => s.sku))]);
  return settings
    .map((s) => ({ sku: s.sku, locationId: s.locationId, counter: stock.get(s.sku)?.get(s.locationId) }))
    .filter((s): s is { sku: string; locationId: string; counter: Counter & { reorderPoint: number } } => s.counter?.reorderPoint !== undefined)
    .map(({ sku, locationId, counter: c }) => ({
      sku,
      locationId,
      onHand: c.onHand,
      reserved: c.reserved,
      safetyStock: c.safetyStock,
      available: availableToPromise(c),
      reorderPoint: c.reorderPoint,
    }))
    .filter((l) => l.available <= l.reorderPoint)
    .sort((a, b) => a.available - b.available || (a.sku < b.sku ? -1 : 1));
}

/** One page of a SKU's ledger, newest first: where its on hand comes from. */
export async function movementsOf({ movements }: InventoryReads, sku: string, limit: number, after?: TimeCursor) {
  const page = await movements.page(sku, limit, after);
  return { sku, movements: page.movements.map(movementView), nextCursor: page.nextCursor };
}

/** Counters against the documents: what the invariant tests and ops check after an incident. */
export const auditCounters = ({ counters }: InventoryReads) => counters.audit();
