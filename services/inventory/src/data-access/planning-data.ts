import type { PlanningWindow, SkuPosition } from '../domain/planning';
import type { IncomingDoc } from './incoming-model';
import type { Models } from './models';
import type { MovementDoc } from './movement-model';
import type { SkuSettingDoc } from './sku-setting-model';
import type { StockCounters } from './stock-counters';

const sumBy = <T>(rows: T[], key: (r: T) => string, value: (r: T) => number) => {
  const sums = new Map<string, number>();
  for (const r of rows) sums.set(key(r), (sums.get(key(r)) ?? 0) + value(r));
  return sums;
};

/**
 * Every SKU's position for planning: counters summed over locations, picks over the sales window, open
 * expected receipts and the lead time. A planning report, not a hot path: it reads the window's picks
 * and the open receipts whole.
 */
export async function skuPositions(models: Models, counters: StockCounters, window: PlanningWindow, only?: string): Promise<SkuPosition[]> {
  const since = new Date(Date.now() - window.days * 24 * 3600 * 1000);
  const [picks, incoming, settings] = await Promise.all([
    models.Movements.find({ type: 'pick', at: { $gte: since }, ...(only ? { sku: only } : {}) }, { sku: 1, quantity: 1 }).lean<Array<Pick<MovementDoc, 'sku' | 'quantity'>>>(),
    models.Incoming.find({ status: 'open', ...(only ? { sku: only } : {}) }, { sku: 1, quantity: 1 }).lean<Array<Pick<IncomingDoc, 'sku' | 'quantity'>>>(),
    models.SkuSettings.find(only ? { _id: only } : {}, { leadTimeDays: 1 }).lean<Array<Pick<SkuSettingDoc, '_id' | 'leadTimeDays'>>>(),
  ]);
  const sold = sumBy(picks, (m) => m.sku, (m) => -m.quantity);
  const expected = sumBy(incoming, (i) => i.sku, (i) => i.quantity);
  const leadTimes = new Map(settings.map((s) => [s._id, s.leadTimeDays]));
  const skus = only ? [only] : [...new Set([...(await counters.knownSkus()), ...sold.keys(), ...expected.keys()])].sort();
  const stock = await counters.snapshot(skus);
  return skus.map((sku) => {
    const locations = [...(stock.get(sku)?.values() ?? [])];
    const total = (pick: (c: (typeof locations)[number]) => number) => locations.reduce((s, c) => s + pick(c), 0);
    return {
      sku,
      onHand: total((c) => c.onHand),
      reserved: total((c) => c.reserved),
      safetyStock: total((c) => c.safetyStock),
      incoming: expected.get(sku) ?? 0,
      sold: sold.get(sku) ?? 0,
      leadTimeDays: leadTimes.get(sku) ?? 0,
    };
  });
}
