import { deterministicId } from '@oms/messaging';
import type { OutboxRelay } from '@oms/outbox';
import { isDuplicateKeyError } from '@oms/mongo';
import type { LowStock } from '../domain/ledger';
import type { Models } from './models';

/** The stock.low.v1 outbox entries for what a change brought down to its reorder point. */
export const lowStockEvents = (outbox: OutboxRelay, low: LowStock[], causationId: string, correlationId: string) =>
  low.map((l) =>
    outbox.entry('stock.low.v1', l, { correlationId, causationId, id: deterministicId(causationId, 'stock.low.v1', l.sku, l.locationId) }),
  );

/**
 * Announce low stock found by a change that has no aggregate of its own (a movement): one insert-only
 * alert document per event carries it out through the outbox.
 */
export async function announceLowStock(models: Models, outbox: OutboxRelay, low: LowStock[], causationId: string): Promise<void> {
  for (const event of lowStockEvents(outbox, low, causationId, causationId)) {
    try {
      await models.StockAlerts.create({ _id: event.id, outbox: [event] });
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
    }
    await outbox.flush(models.StockAlerts, event.id);
  }
}
