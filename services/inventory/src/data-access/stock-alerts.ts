import { deterministicId } from '@oms/messaging';
import type { OutboxRelay } from '@oms/outbox';
import type { AggregateLocks } from '@oms/redis';
import { isDuplicateKeyError } from '@oms/mongo';
import type { LowStock } from '../domain/ledger';
import type { Models } from './models';

/** The stock.low.v1 outbox entries for what a change brought down to its reorder point. */
export const lowStockEvents = (outbox: OutboxRelay, low: LowStock[], causationId: string, correlationId: string) =>
  low.map((l) =>
    outbox.entry('stock.low.v1', l, { correlationId, causationId, id: deterministicId(causationId, 'stock.low.v1', l.sku, l.locationId) }),
  );

/** The lock the outbox sweep takes for an alert document (service.ts); the handler's flush takes it too. */
export const stockAlertLock = (id: string) => `stock-alert:${id}`;

/**
 * Announce low stock found by a change that has no aggregate of its own (a movement): one insert-only
 * alert document per event carries it out through the outbox.
 */
export async function announceLowStock(
  { models, outbox, locks }: { models: Models; outbox: OutboxRelay; locks: AggregateLocks },
  low: LowStock[],
  causationId: string,
): Promise<void> {
  for (const event of lowStockEvents(outbox, low, causationId, causationId)) {
    try {
      await models.StockAlerts.create({ _id: event.id, outbox: [event] });
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
    }
    // Under the sweep's lock, so the sweep cannot publish it a second time meanwhile.
    await locks.withLock(stockAlertLock(event.id), () => outbox.flush(models.StockAlerts, event.id));
  }
}
