import { deterministicId, type Handler } from '@oms/messaging';
import { withReservationLock } from '../../data-access/lock-keys';
import type { ReservationDoc } from '../../data-access/models';
import type { AllocatedLine, ShortLine } from '../../domain/sourcing';
import { lowStockEvents } from '../../data-access/stock-alerts';
import { reservationView } from '../../data-access/views';
import type { HandlerDeps } from './deps';
import { attemptReservation, shortOptions } from './reservation-attempt';

/**
 * All or nothing (reservation-attempt.ts). The reservation document, with its event, is written after
 * Redis took the units: a crash in between is finished by the redelivered command. The insert goes in a
 * batch with those of the other commands in flight (InsertBatcher) and carries its events in `inserted`,
 * published right after without a second write (OutboxRelay.publishInserted): a crash before they are
 * confirmed redelivers this command, which publishes them again from the stored document. Short: the event says
 * what the customer can choose; a backorder (the customer chose to wait) is queued instead and served
 * first in, first out when stock arrives (backorders.ts).
 */
export const reserveStock =
  (deps: HandlerDeps): Handler<'stock.reserve.v1'> =>
  async (msg, ctx) => {
    const { models, outbox, counters } = deps;
    const { orderId, lines, shipTo, pickupLocationId, backorder } = msg.data;
    const request = { lines, ...(shipTo ? { shipTo } : {}), ...(pickupLocationId ? { pickupLocationId } : {}) };
    return withReservationLock(deps.locks, orderId, async () => {
      // No read first: a repeated command finds the stored decision when its insert is refused (below).
      const attempt = await attemptReservation(deps, orderId, request);
      const meta = { correlationId: orderId, causationId: msg.id };
      let doc: Omit<ReservationDoc, 'createdAt' | 'updatedAt'>;
      if (attempt.taken) {
        counters.assertFresh(attempt.startedAt);
        const { lines: reserved, reason } = attempt;
        const event = outbox.entry('stock.reserved.v1', { orderId, lines: reserved, reason }, { ...meta, id: deterministicId(msg.id, 'stock.reserved.v1') });
        // Low stock goes out with the reservation that caused it, in the same write.
        const low = lowStockEvents(outbox, attempt.low, msg.id, orderId);
        doc = { _id: orderId, status: 'active', lines: allocated(reserved), reason, processed: [msg.id], outbox: [], inserted: [event, ...low] };
      } else if (backorder) {
        const event = outbox.entry('stock.backordered.v1', { orderId, lines: attempt.shortLines }, { ...meta, id: deterministicId(msg.id, 'stock.backordered.v1') });
        doc = { _id: orderId, status: 'backordered', lines: [], shortLines: short(attempt.shortLines), reason: attempt.reason, request, queuedAt: new Date(), processed: [msg.id], outbox: [], inserted: [event] };
      } else {
        const options = await shortOptions(deps, attempt.shortLines, request);
        const data = { orderId, lines: attempt.shortLines, reason: attempt.reason, options };
        const event = outbox.entry('stock.short.v1', data, { ...meta, id: deterministicId(msg.id, 'stock.short.v1') });
        doc = { _id: orderId, status: 'short', lines: [], shortLines: short(attempt.shortLines), reason: attempt.reason, processed: [msg.id], outbox: [], inserted: [event] };
      }
      if ((await deps.newReservations.insert(doc)) === 'inserted') {
        await outbox.publishInserted(models.Reservations, orderId, doc.inserted!);
        const now = new Date();
        return reservationView({ ...doc, createdAt: now, updatedAt: now });
      }
      // Decided before: that decision stands. Units this attempt took that the stored decision does not hold
      // (it was short, or is over) are given back. A copy that may have been handled before without being
      // acknowledged publishes the events again, in case that delivery stopped before they were confirmed
      // (a copy sent twice finds them published: the first held the lock until they were).
      const existing = (await models.Reservations.findById(orderId).lean<ReservationDoc>())!;
      if (attempt.taken && attempt.fresh && existing.status !== 'active') await counters.finish(orderId, attempt.lines, 'released');
      if (ctx.repeated && existing.inserted?.length) await outbox.publishInserted(models.Reservations, orderId, existing.inserted);
      await outbox.flush(models.Reservations, orderId, existing.outbox);
      return reservationView(existing);
    });
  };

// The reservation is stored as given (InsertBatcher `asGiven`): its lines carry exactly the schema's fields.
const allocated = (lines: AllocatedLine[]): AllocatedLine[] => lines.map(({ sku, locationId, quantity }) => ({ sku, locationId, quantity }));
const short = (lines: ShortLine[]): ShortLine[] => lines.map(({ sku, requested, available }) => ({ sku, requested, available }));
