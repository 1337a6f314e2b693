import type { PlanningWindow, SkuPosition } from '../domain/planning';
import type { IncomingRepository } from './incoming-repository';
import type { MovementRepository } from './movement-repository';
import type { SkuSettingRepository } from './sku-setting-repository';
import type { StockCounters } from './stock-counters';

/** What a SKU's planning position is made of. */
export interface PlanningSources {
  movements: MovementRepository;
  incoming: IncomingRepository;
  skuSettings: SkuSettingRepository;
  counters: StockCounters;
}

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
export async function skuPositions(
  { movements, incoming, skuSettings, counters }: PlanningSources,
  window: PlanningWindow,
  only?: string,
): Promise<SkuPosition[]> {
  const since = new Date(Date.now() - window.days * 24 * 3600 * 1000);
  const [picks, open, settings] = await Promise.all([movements.picksSince(since, only), incoming.openQuantities(only), skuSettings.leadTimes(only)]);
  const sold = sumBy(
    picks,
    (m) => m.sku,
    (m) => -m.quantity,
  );
  const expected = sumBy(
    open,
    (i) => i.sku,
    (i) => i.quantity,
  );
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
