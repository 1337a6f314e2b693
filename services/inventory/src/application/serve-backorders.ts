import { deterministicId } from '@oms/messaging';
import { lowStockEvents } from './announce-low-stock';
import type { InventoryDeps } from './inventory-deps';
import { attemptReservation } from './reservation-attempt';

/** How many queued orders one pass looks at (oldest first). */
const PASS_SIZE = 500;

export interface BackorderPass {
  served: number;
  /** Looked at and still waiting. */
  waiting: number;
}

/**
 * One pass over the backorders, first in, first out: oldest first, and per SKU strictly in order, so once
 * an older backorder cannot be served, no younger one takes that SKU's stock ahead of it.
 */
export async function serveBackorders(deps: InventoryDeps): Promise<BackorderPass> {
  const queue = await deps.reservations.backorderQueue(PASS_SIZE);
  const blocked = new Set<string>();
  let served = 0;
  for (const backorder of queue) {
    const skus = backorder.request!.lines.map((l) => l.sku);
    if (skus.some((sku) => blocked.has(sku))) continue;
    if (await serveBackorder(deps, backorder._id)) served++;
    else for (const sku of skus) blocked.add(sku);
  }
  return { served, waiting: queue.length - served };
}

/**
 * Reserve one backorder if its stock is there now; true when it no longer waits. No message causes this
 * change, so none is held until its events are confirmed: they go through the durable outbox.
 */
function serveBackorder(deps: InventoryDeps, orderId: string): Promise<boolean> {
  const { store, reservations, outbox, counters } = deps;
  return store.withLock(orderId, async () => {
    const current = await reservations.backorderState(orderId);
    if (current?.status !== 'backordered') return true; // released or served meanwhile
    const attempt = await attemptReservation(deps, orderId, current.request!);
    if (!attempt.taken) return false;
    counters.assertFresh(attempt.startedAt);
    const reason = `backorder served first in, first out: ${attempt.reason}`;
    const meta = { correlationId: orderId, causationId: deterministicId(orderId, 'backorder') };
    const event = outbox.entry(
      'stock.reserved.v1',
      { orderId, lines: attempt.lines, reason },
      { ...meta, id: deterministicId(orderId, 'stock.reserved.v1', 'backorder') },
    );
    const pending = [event, ...lowStockEvents(deps, attempt.low, meta.causationId, orderId)];
    await reservations.activateBackorder(orderId, attempt.lines, reason, pending);
    await outbox.flush(reservations.model, orderId);
    return true;
  });
}
