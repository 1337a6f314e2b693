import { deterministicId } from '@oms/messaging';
import type { OutboxEntry } from '@oms/outbox';
import type { LowStock } from '../domain/ledger';
import { stockAlertLock } from '../data-access/lock-keys';
import type { InventoryDeps } from './inventory-deps';

type LevelEvent = 'stock.low.v1' | 'stock.replenished.v1';

/** Events about stock levels a change crossed (`type`, one per SKU and location); their ids follow from the cause. */
const levelEvents = (
  { outbox }: Pick<InventoryDeps, 'outbox'>,
  type: LevelEvent,
  levels: LowStock[],
  causationId: string,
  correlationId: string,
): OutboxEntry[] => levels.map((l) => outbox.entry(type, l, { correlationId, causationId, id: deterministicId(causationId, type, l.sku, l.locationId) }));

/** The stock.low.v1 events for what a change brought down to its reorder point. */
export const lowStockEvents = (deps: Pick<InventoryDeps, 'outbox'>, low: LowStock[], causationId: string, correlationId: string): OutboxEntry[] =>
  levelEvents(deps, 'stock.low.v1', low, causationId, correlationId);

/**
 * Announce what a change with no aggregate of its own (a movement) did to stock levels: stock.low.v1 where
 * available to promise fell to the reorder point, stock.replenished.v1 where it rose above it again (a
 * replenishment task closes itself). One insert-only alert document per event carries it out through the
 * durable outbox.
 */
export async function announceStockLevels(
  deps: Pick<InventoryDeps, 'stockAlerts' | 'outbox' | 'locks'>,
  levels: { low: LowStock[]; replenished: LowStock[] },
  causationId: string,
): Promise<void> {
  const { stockAlerts, outbox, locks } = deps;
  const events = [
    ...levelEvents(deps, 'stock.low.v1', levels.low, causationId, causationId),
    ...levelEvents(deps, 'stock.replenished.v1', levels.replenished, causationId, causationId),
  ];
  for (const event of events) {
    await stockAlerts.insertOnce(event);
    // Under the sweep's lock, so the sweep cannot publish it a second time meanwhile.
    await locks.withLock(stockAlertLock(event.id), () => outbox.flush(stockAlerts.model, event.id));
  }
}
