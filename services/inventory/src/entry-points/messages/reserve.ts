import { isDuplicateKeyError } from '@oms/mongo';
import { deterministicId, type Handler } from '@oms/messaging';
import { mergeLines, planReservation } from '../../domain/sourcing';
import { reservationLock, stockLock } from '../../data-access/lock-keys';
import type { ReservationDoc } from '../../data-access/models';
import { stockLevels } from '../../data-access/stock-levels';
import { reservationView } from '../../data-access/views';
import type { HandlerDeps } from './deps';

/**
 * All or nothing, serialised per SKU: while this order's SKUs are locked nobody else can reserve or take
 * them, so the availability read here is still true when the reservation is stored.
 */
export const reserveStock =
  ({ locks, outbox, models }: HandlerDeps): Handler<'stock.reserve.v1'> =>
  async (msg) => {
    const { orderId } = msg.data;
    const lines = mergeLines(msg.data.lines);
    const skus = lines.map((l) => l.sku);
    return locks.withLocks([reservationLock(orderId), ...skus.map(stockLock)], async () => {
      // One reservation per order: a duplicate or a repeated command changes nothing.
      if (!(await models.Reservations.exists({ _id: orderId }))) {
        const plan = planReservation(lines, await stockLevels(models, skus));
        const meta = { correlationId: orderId, causationId: msg.id };
        const event =
          plan.status === 'active'
            ? outbox.entry('stock.reserved.v1', { orderId, lines: plan.lines }, { ...meta, id: deterministicId(msg.id, 'stock.reserved.v1') })
            : outbox.entry('stock.short.v1', { orderId, lines: plan.shortLines }, { ...meta, id: deterministicId(msg.id, 'stock.short.v1') });
        try {
          await models.Reservations.create({
            _id: orderId,
            status: plan.status,
            lines: plan.status === 'active' ? plan.lines : [],
            ...(plan.status === 'short' ? { shortLines: plan.shortLines } : {}),
            processed: [msg.id],
            outbox: [event],
          });
        } catch (err) {
          if (!isDuplicateKeyError(err)) throw err;
        }
      }
      await outbox.flush(models.Reservations, orderId);
      const reservation = await models.Reservations.findById(orderId).lean<ReservationDoc>();
      return reservationView(reservation!);
    });
  };
