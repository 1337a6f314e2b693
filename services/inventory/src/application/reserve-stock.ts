import type { MessageData, MessageType } from '@oms/contracts';
import { deterministicId, type Message } from '@oms/messaging';
import type { OutboxEntry } from '@oms/outbox';
import { allocatedLines, shortLinesOf, type ReservationRequest } from '../domain/reservation';
import { reservationLock } from '../data-access/lock-keys';
import type { NewReservationDoc } from '../data-access/reservation-model';
import { reservationView } from '../data-access/views';
import { lowStockEvents } from './announce-stock-levels';
import type { InventoryDeps } from './inventory-deps';
import { attemptReservation, type Attempt } from './reservation-attempt';
import { shortOptions } from './short-options';

/**
 * All or nothing (reservation-attempt.ts). The reservation document, with its events, is written after
 * Redis took the units: a crash in between is finished by the redelivered command. The insert goes in a
 * batch with those of the other commands in flight (InsertBatcher) and carries its events in `sent`,
 * published right after without a second write (AggregateStore.publishInserted): a crash before they are
 * confirmed redelivers this command, which sends them again from the stored document. Short: the event
 * says what the customer can choose; a backorder (the customer chose to wait) is queued instead and
 * served first in, first out when stock arrives (serve-backorders.ts).
 */
export async function reserveStock(deps: InventoryDeps, msg: Message<'stock.reserve.v1'>, { repeated }: { repeated: boolean }) {
  const { store, reservations, counters, newReservations } = deps;
  const { orderId, lines, shipTo, pickupLocationId } = msg.data;
  const request: ReservationRequest = { lines, ...(shipTo ? { shipTo } : {}), ...(pickupLocationId ? { pickupLocationId } : {}) };
  return store.withLock(orderId, async () => {
    // No read first: a repeated command finds the stored decision when its insert is refused (below).
    const attempt = await attemptReservation(deps, orderId, request);
    const doc = await newReservation(deps, msg, request, attempt);
    if ((await newReservations.insert(doc)) === 'inserted') {
      await store.publishInserted(orderId, doc.sent, msg.id);
      const now = new Date();
      return reservationView({ ...doc, createdAt: now, updatedAt: now });
    }
    // Decided before: that decision stands. Units this attempt took that the stored decision does not hold
    // (it was short, or is over) are given back. A copy that may have been handled before without being
    // acknowledged sends what that delivery may not have (a copy sent twice finds them sent: the first
    // held the lock until they were confirmed).
    const existing = (await reservations.byId(orderId))!;
    if (attempt.taken && existing.status === 'active') {
      // An active reservation's marker never expires: taking the units afresh means Redis had lost it (and
      // with it, maybe, more), so the counters are rebuilt from the documents, which do not hold this attempt.
      if (attempt.fresh) await counters.rebuild(`reservation ${orderId} is active in the store but Redis had no marker for it`);
    } else if (attempt.taken) {
      // The stored decision holds no units (released, short): give back what this attempt holds, whether it took
      // the units now or found them held by an earlier delivery that died (or ran out of its lease) between
      // Redis and the store, before the release that overtook it was stored. Kept, they would stay reserved.
      await counters.finish(orderId, attempt.lines, 'released');
    }
    if (repeated) await store.sendLeftovers(orderId, reservationLock(orderId), existing);
    return reservationView(existing);
  });
}

/** The reservation the attempt decided, with the events that announce it. */
async function newReservation(
  deps: InventoryDeps,
  msg: Message<'stock.reserve.v1'>,
  request: ReservationRequest,
  attempt: Attempt,
): Promise<NewReservationDoc> {
  const { orderId, backorder } = msg.data;
  const event = <T extends MessageType>(type: T, data: MessageData<T>): OutboxEntry =>
    deps.outbox.entry(type, data, { correlationId: orderId, causationId: msg.id, id: deterministicId(msg.id, type) });
  const stored = { _id: orderId, processed: [msg.id], sentBy: msg.id };
  if (attempt.taken) {
    deps.counters.assertFresh(attempt.startedAt);
    const { lines, reason } = attempt;
    // Low stock goes out with the reservation that caused it, in the same write.
    const sent = [event('stock.reserved.v1', { orderId, lines, reason }), ...lowStockEvents(deps, attempt.low, msg.id, orderId)];
    return { ...stored, status: 'active', lines: allocatedLines(lines), reason, sent };
  }
  const shortLines = shortLinesOf(attempt.shortLines);
  if (backorder) {
    const sent = [event('stock.backordered.v1', { orderId, lines: attempt.shortLines })];
    return { ...stored, status: 'backordered', lines: [], shortLines, reason: attempt.reason, request, queuedAt: new Date(), sent };
  }
  const options = await shortOptions(deps, attempt.shortLines, request);
  const sent = [event('stock.short.v1', { orderId, lines: attempt.shortLines, reason: attempt.reason, options })];
  return { ...stored, status: 'short', lines: [], shortLines, reason: attempt.reason, sent };
}
