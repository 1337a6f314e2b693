import { deterministicId } from '@oms/messaging';
import type { OutboxEntry } from '@oms/outbox';
import type { LowStock } from '../domain/ledger';
import { stockAlertLock } from '../data-access/lock-keys';
import type { InventoryDeps } from './inventory-deps';

/** The stock.low.v1 events for what a change brought down to its reorder point; their ids follow from the cause. */
export const lowStockEvents = ({ outbox }: Pick<InventoryDeps, 'outbox'>, low: LowStock[], causationId: string, correlationId: string): OutboxEntry[] =>
  low.map((l) => outbox.entry('stock.low.v1', l, { correlationId, causationId, id: deterministicId(causationId, 'stock.low.v1', l.sku, l.locationId) }));

/**
 * Announce low stock found by a change that has no aggregate of its own (a movement): one insert-only
 * alert document per event carries it out through the durable outbox.
 */
export async function announceLowStock(deps: Pick<InventoryDeps, 'stockAlerts' | 'outbox' | 'locks'>, low: LowStock[], causationId: string): Promise<void> {
  const { stockAlerts, outbox, locks } = deps;
  for (const event of lowStockEvents(deps, low, causationId, causationId)) {
    await stockAlerts.insertOnce(event);
    // Under the sweep's lock, so the sweep cannot publish it a second time meanwhile.
    await locks.withLock(stockAlertLock(event.id), () => outbox.flush(stockAlerts.model, event.id));
  }
}
