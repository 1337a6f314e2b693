import { deterministicId } from '@oms/messaging';
import type { OutboxEntry } from '@oms/outbox';
import type { LowStock } from '../domain/ledger';
import { stockAlertLock } from '../data-access/lock-keys';
import type { InventoryDeps } from './inventory-deps';

/** The stock.low.v1 events for what a change brought down to its reorder point; their ids follow from the cause. */
export const lowStockEvents = ({ outbox }: Pick<InventoryDeps, 'outbox'>, low: LowStock[], causationId: string, correlationId: string): OutboxEntry[] =>
  low.map((l) => outbox.entry('stock.low.v1', l, { correlationId, causationId, id: deterministicId(causationId, 'stock.low.v1', l.sku, l.locationId) }));

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
  const replenished = levels.replenished.map((l) =>
    outbox.entry('stock.replenished.v1', l, {
      correlationId: causationId,
      causationId,
      id: deterministicId(causationId, 'stock.replenished.v1', l.sku, l.locationId),
    }),
  );
  for (const event of [...lowStockEvents(deps, levels.low, causationId, causationId), ...replenished]) {
    await stockAlerts.insertOnce(event);
    // Under the sweep's lock, so the sweep cannot publish it a second time meanwhile.
    await locks.withLock(stockAlertLock(event.id), () => outbox.flush(stockAlerts.model, event.id));
  }
}
