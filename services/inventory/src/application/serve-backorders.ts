import { deterministicId } from '@oms/messaging';
import { lowStockEvents } from './announce-stock-levels';
import type { InventoryDeps } from './inventory-deps';
import { sourceElsewhere } from './reallocate-missing';
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
  const queue = await waitingInOrder(deps);
  const blocked = new Set<string>();
  let served = 0;
  for (const waiting of queue) {
    if (waiting.skus.some((sku) => blocked.has(sku))) continue;
    if (await (waiting.kind === 'backorder' ? serveBackorder(deps, waiting.orderId) : serveSupplement(deps, waiting.orderId))) served++;
    else for (const sku of waiting.skus) blocked.add(sku);
  }
  return { served, waiting: queue.length - served };
}

interface Waiting {
  kind: 'backorder' | 'supplement';
  orderId: string;
  skus: string[];
  queuedAt: number;
}

/**
 * One queue, first in, first out: backorders (whole reservations) and supplements waited for after a short
 * pick (units added to an active reservation), the oldest PASS_SIZE of both by the time they were queued.
 */
async function waitingInOrder({ reservations }: InventoryDeps): Promise<Waiting[]> {
  const [backorders, supplements] = await Promise.all([reservations.backorderQueue(PASS_SIZE), reservations.supplementQueue(PASS_SIZE)]);
  const queue: Waiting[] = [
    ...backorders.map((b) => ({
      kind: 'backorder' as const,
      orderId: b._id,
      skus: b.request!.lines.map((l) => l.sku),
      queuedAt: new Date(b.queuedAt!).getTime(),
    })),
    ...supplements.map((s) => ({
      kind: 'supplement' as const,
      orderId: s._id,
      skus: s.waitingSupplement!.lines.map((l) => l.sku),
      queuedAt: new Date(s.waitingSupplement!.queuedAt).getTime(),
    })),
  ];
  const byQueueTime = (a: Waiting, b: Waiting) => a.queuedAt - b.queuedAt || (a.orderId < b.orderId ? -1 : a.orderId > b.orderId ? 1 : 0);
  return queue.sort(byQueueTime).slice(0, PASS_SIZE);
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

/**
 * Add a waited supplement to its reservation if its stock is there now (all or none, at the best location);
 * true when it no longer waits. The Redis operation's id follows from the supplement's place in the queue,
 * so a pass after a crash between Redis and the store finds the units it took. The report is
 * stock.reallocated.v1 with the lines added, through the durable outbox.
 */
function serveSupplement(deps: InventoryDeps, orderId: string): Promise<boolean> {
  const { store, reservations, outbox } = deps;
  return store.withLock(orderId, async () => {
    const current = await reservations.supplementState(orderId);
    const waiting = current?.waitingSupplement;
    if (!current || !waiting) return true;
    if (current.status !== 'active') {
      await reservations.dropSupplement(orderId); // released or consumed meanwhile: nothing to add to
      return true;
    }
    const queuedAt = new Date(waiting.queuedAt).toISOString();
    const operationId = deterministicId(orderId, 'supplement', queuedAt);
    const startedAt = Date.now();
    const sourced = await sourceElsewhere(deps, {
      orderId,
      operationId,
      need: waiting.lines,
      ...(waiting.shipTo ? { shipTo: waiting.shipTo } : {}),
      excluded: new Set(),
    });
    if (!sourced) return false;
    deps.counters.assertFresh(startedAt);
    const added = sourced.lines.slice(current.lines.length);
    const reason = `backorder served first in, first out: ${sourced.reason.replace('missing units sourced again: ', '')}`;
    const meta = { correlationId: orderId, causationId: operationId };
    const event = outbox.entry(
      'stock.reallocated.v1',
      { orderId, corrected: [], lines: added, unfilled: [], reason },
      { ...meta, id: deterministicId(operationId, 'stock.reallocated.v1') },
    );
    await reservations.addServedSupplement(orderId, sourced.lines, [event]);
    await outbox.flush(reservations.model, orderId);
    return true;
  });
}
