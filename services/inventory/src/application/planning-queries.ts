import { forecast, replenishment, type PlanningWindow } from '../domain/planning';
import { skuPositions } from '../data-access/planning-data';
import type { InventoryReads } from './inventory-deps';

/** What to reorder: every SKU with a suggestion, largest first (or the one SKU asked for, whatever its suggestion). */
export async function replenishmentReport(reads: InventoryReads, window: PlanningWindow, sku?: string) {
  const lines = (await skuPositions(reads, window, sku)).map((p) => replenishment(p, window));
  return lines.filter((l) => sku || l.suggestedQuantity > 0).sort((a, b) => b.suggestedQuantity - a.suggestedQuantity);
}

/** Days of cover per SKU: soonest to run out first; nothing sold (no run-out in sight) last. */
export async function forecastReport(reads: InventoryReads, window: PlanningWindow, sku: string | undefined, today: Date) {
  const lines = (await skuPositions(reads, window, sku)).map((p) => forecast(p, window, today));
  return lines.sort((a, b) => (a.daysOfCover ?? Infinity) - (b.daysOfCover ?? Infinity) || (a.sku < b.sku ? -1 : 1));
}
