import { isDuplicateKeyError } from '@oms/mongo';
import { deterministicId, type Handler } from '@oms/messaging';
import { availableToPromise, type Counters, type LowStock } from '../../domain/ledger';
import { locateCustomer } from '../../domain/geo';
import { mergeLines, sourceOrder, type AllocatedLine, type Availability, type SourcingDecision } from '../../domain/sourcing';
import { withReservationLock } from '../../data-access/lock-keys';
import type { ReservationDoc } from '../../data-access/models';
import { lowStockEvents } from '../../data-access/stock-alerts';
import { reservationView } from '../../data-access/views';
import type { HandlerDeps } from './deps';

/** Tries before giving up on a contended SKU (each conflict means another order just took the units). */
const MAX_ATTEMPTS = 20;

/**
 * All or nothing. Sourcing decides from a snapshot of the counters; Redis then takes exactly those units in
 * one script, or none if another order took them first, in which case sourcing decides again from a fresh
 * snapshot. The reservation document (with its event) is written after Redis agreed: a crash in between
 * is finished by the redelivered command, which finds Redis's marker and stores what was taken.
 */
export const reserveStock =
  ({ locks, outbox, models, counters, locations }: HandlerDeps): Handler<'stock.reserve.v1'> =>
  async (msg) => {
    const { orderId, shipTo, pickupLocationId } = msg.data;
    const lines = mergeLines(msg.data.lines);
    const skus = lines.map((l) => l.sku);
    const customer = shipTo ? locateCustomer(shipTo.country, shipTo.postalCode) : undefined;
    return withReservationLock(locks, orderId, async () => {
      // One reservation per order: a duplicate or a repeated command changes nothing.
      if (!(await models.Reservations.exists({ _id: orderId }))) {
        let decision: SourcingDecision | undefined;
        let taken: { lines: AllocatedLine[]; reason: string; startedAt: number; low: LowStock[] } | undefined;
        // Taken before a crash, by an earlier delivery of this command: store what was taken then.
        const startedAt = Date.now();
        const held = await counters.held(orderId);
        if (held) taken = { lines: held, reason: 'reserved as decided before a restart', startedAt, low: [] };
        for (let attempt = 0; attempt < MAX_ATTEMPTS && !taken; attempt++) {
          decision = sourceOrder({ lines, ...(customer ? { customer } : {}), ...(pickupLocationId ? { pickupLocationId } : {}) }, await locations.all(), availabilityOf(await counters.snapshot(skus)));
          if (decision.status === 'short') break;
          const startedAt = Date.now();
          const outcome = await counters.reserve(orderId, decision.lines);
          if (outcome.status === 'ok') taken = { lines: outcome.lines, reason: decision.reason, startedAt, low: outcome.low };
          if (outcome.status === 'applied') taken = { lines: outcome.lines, reason: 'reserved as decided before a restart', startedAt, low: [] };
        }
        if (!taken && (!decision || decision.status === 'active')) throw new Error(`order ${orderId}: stock kept changing under ${MAX_ATTEMPTS} sourcing attempts`);

        const meta = { correlationId: orderId, causationId: msg.id };
        let doc: Omit<ReservationDoc, 'createdAt' | 'updatedAt'>;
        if (taken) {
          counters.assertFresh(taken.startedAt);
          const { lines: reserved, reason } = taken;
          const event = outbox.entry('stock.reserved.v1', { orderId, lines: reserved, reason }, { ...meta, id: deterministicId(msg.id, 'stock.reserved.v1') });
          // Low stock goes out with the reservation that caused it, in the same write.
          const low = lowStockEvents(outbox, taken.low, msg.id, orderId);
          doc = { _id: orderId, status: 'active', lines: reserved, reason, processed: [msg.id], outbox: [event, ...low] };
        } else {
          const short = decision! as Extract<SourcingDecision, { status: 'short' }>;
          const event = outbox.entry('stock.short.v1', { orderId, lines: short.shortLines, reason: short.reason }, { ...meta, id: deterministicId(msg.id, 'stock.short.v1') });
          doc = { _id: orderId, status: 'short', lines: [], shortLines: short.shortLines, reason: short.reason, processed: [msg.id], outbox: [event] };
        }
        try {
          const created = await models.Reservations.create(doc);
          await outbox.flush(models.Reservations, orderId, doc.outbox);
          return reservationView(created.toObject() as ReservationDoc);
        } catch (err) {
          if (!isDuplicateKeyError(err)) throw err;
        }
      }
      await outbox.flush(models.Reservations, orderId);
      const reservation = await models.Reservations.findById(orderId).lean<ReservationDoc>();
      return reservationView(reservation!);
    });
  };

/** What sourcing may promise per SKU and location. */
function availabilityOf(counters: Counters): Availability {
  const availability: Availability = new Map();
  for (const [sku, perLocation] of counters) availability.set(sku, new Map([...perLocation].map(([loc, c]) => [loc, Math.max(0, availableToPromise(c))])));
  return availability;
}
