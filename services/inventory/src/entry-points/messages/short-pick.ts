import { AppError, conflict, notFound } from '@oms/errors';
import { deterministicId, type Handler } from '@oms/messaging';
import { locateCustomer } from '../../domain/geo';
import { sourceOrder, type AllocatedLine } from '../../domain/sourcing';
import { withReservationLock } from '../../data-access/lock-keys';
import type { MovementDoc, ReservationDoc } from '../../data-access/models';
import { insertMovementsOnce } from '../../data-access/movements';
import { reservationView } from '../../data-access/views';
import type { HandlerDeps } from './deps';
import { availabilityOf } from './reservation-attempt';

const MAX_ATTEMPTS = 10;
const unitsAt = (lines: AllocatedLine[], sku: string, locationId: string) => lines.filter((l) => l.sku === sku && l.locationId === locationId).reduce((s, l) => s + l.quantity, 0);

/**
 * Articles missing on the shelf at a location (reported by fulfillment through ingestion): the units leave
 * the reservation and on hand there (an adjustment in the ledger), and the same units are sourced, all or
 * none, from locations without a fulfillment of the order. Redis first (one script per step, each once per
 * operation), then the ledger entries, then the reservation with its event: a crash anywhere is finished by
 * the redelivered command, and a rebuild counts the entries only once the reservation records the operation.
 */
export const shortPick =
  (deps: HandlerDeps): Handler<'stock.short-pick.v1'> =>
  async (msg) => {
    const { models, outbox, counters, locations } = deps;
    const { orderId, locationId, lines, shipTo, excludeLocationIds } = msg.data;
    return withReservationLock(deps.locks, orderId, async () => {
      const reservation = await models.Reservations.findById(orderId).lean<ReservationDoc>();
      if (!reservation) throw notFound(`reservation of order ${orderId}`);
      if (!reservation.processed.includes(msg.id)) {
        if (reservation.status !== 'active') throw conflict(`the reservation of order ${orderId} is ${reservation.status}, not active`);
        const startedAt = Date.now();
        const missing = lines.map((l) => ({ sku: l.sku, locationId, missing: l.missing }));
        let picked = await counters.shortPick(orderId, msg.id, missing);
        if (picked.status === 'unknown') {
          await counters.rebuild(`reservation ${orderId} is active but Redis has no marker for it`);
          picked = await counters.shortPick(orderId, msg.id, missing);
        }
        if (!('lines' in picked)) throw new AppError(500, 'Internal Server Error', `reservation ${orderId} is ${picked.status} in Redis but active in the store`);
        const after = picked.lines;

        // What left the reservation at the location: the document's lines before, the marker's after.
        const corrected = lines
          .map((l) => ({ sku: l.sku, locationId, missing: unitsAt(reservation.lines, l.sku, locationId) - unitsAt(after.slice(0, reservation.lines.length), l.sku, locationId) }))
          .filter((c) => c.missing > 0);
        let all = after;
        let reason = 'nothing to source again';
        let unfilled: Array<{ sku: string; missing: number }> = [];
        if (corrected.length > 0 && all.length === reservation.lines.length) {
          const need = corrected.map((c) => ({ sku: c.sku, quantity: c.missing }));
          const customer = shipTo ? locateCustomer(shipTo.country, shipTo.postalCode) : undefined;
          const excluded = new Set([...excludeLocationIds, locationId]);
          unfilled = corrected.map((c) => ({ sku: c.sku, missing: c.missing }));
          reason = 'no other location without a fulfillment of this order holds the missing units';
          for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            const candidates = (await locations.all()).filter((l) => !excluded.has(l.id));
            const decision = sourceOrder({ lines: need, ...(customer ? { customer } : {}) }, candidates, availabilityOf(await counters.snapshot(need.map((n) => n.sku))));
            if (decision.status === 'short') break;
            const extended = await counters.extend(orderId, msg.id, decision.lines);
            if (extended.status === 'conflict') continue;
            if (extended.status !== 'ok' && extended.status !== 'done') throw new AppError(500, 'Internal Server Error', `reservation ${orderId} is ${extended.status} in Redis`);
            all = extended.lines;
            reason = `missing units sourced again: ${decision.reason}`;
            unfilled = [];
            break;
          }
        } else if (all.length > reservation.lines.length) {
          reason = 'missing units sourced again (by an earlier delivery)';
        }
        const added = all.slice(reservation.lines.length);

        const at = new Date();
        const entries: MovementDoc[] = corrected.map((c, i) => ({
          _id: deterministicId(msg.id, 'short-pick', String(i)),
          sku: c.sku,
          locationId: c.locationId,
          quantity: -c.missing,
          type: 'adjustment',
          reason: 'short pick: missing on the shelf',
          reference: orderId,
          reservationId: orderId,
          operation: msg.id,
          actor: msg.producer,
          at,
        }));
        counters.assertFresh(startedAt);
        await insertMovementsOnce(models, entries);
        const event = outbox.entry(
          'stock.reallocated.v1',
          { orderId, corrected, lines: added, unfilled, reason },
          { correlationId: orderId, causationId: msg.id, id: deterministicId(msg.id, 'stock.reallocated.v1') },
        );
        counters.assertFresh(startedAt);
        await models.Reservations.updateOne({ _id: orderId }, { $set: { lines: all }, $push: { processed: msg.id, outbox: event } });
      }
      await outbox.flush(models.Reservations, orderId);
      return reservationView((await models.Reservations.findById(orderId).lean<ReservationDoc>())!);
    });
  };
