import { AppError } from '@oms/errors';
import { deterministicId, type Handler } from '@oms/messaging';
import { withReservationLock } from '../../data-access/lock-keys';
import type { MovementDoc, ReservationDoc } from '../../data-access/models';
import { insertMovementsOnce } from '../../data-access/movements';
import { reservationView } from '../../data-access/views';
import type { HandlerDeps } from './deps';
import { finishInRedis } from './finish-reservation';

/**
 * The reserved units leave the building: Redis takes them off reserved and on hand, then the pick
 * movements are stored, then the reservation is marked consumed. A crash anywhere in between is finished
 * by the redelivered command; a rebuild in between counts the picks only once the reservation says
 * consumed (domain/ledger.ts), so nothing is taken off twice.
 */
export const consumeStock =
  ({ locks, outbox, models, counters }: HandlerDeps): Handler<'stock.consume.v1'> =>
  async (msg, { logger }) => {
    const { orderId } = msg.data;
    return withReservationLock(locks, orderId, async () => {
      const reservation = await models.Reservations.findById(orderId).lean<ReservationDoc>();
      if (!reservation) throw new AppError(404, 'Not Found', `order ${orderId} has no reservation`);
      if (reservation.status === 'active') {
        const startedAt = Date.now();
        await finishInRedis(counters, orderId, reservation.lines, 'consumed');
        counters.assertFresh(startedAt);
        const at = new Date();
        const picks: MovementDoc[] = reservation.lines.map((l) => ({
          _id: `pick:${orderId}:${l.sku}:${l.locationId}`,
          sku: l.sku,
          locationId: l.locationId,
          quantity: -l.quantity,
          type: 'pick',
          reference: orderId,
          reservationId: orderId,
          actor: msg.producer,
          at,
        }));
        await insertMovementsOnce(models, picks);
        const lines = reservation.lines.map(({ sku, locationId, quantity }) => ({ sku, locationId, quantity }));
        const event = outbox.entry('stock.consumed.v1', { orderId, lines }, { correlationId: orderId, causationId: msg.id, id: deterministicId(orderId, 'stock.consumed.v1') });
        counters.assertFresh(startedAt);
        await models.Reservations.updateOne({ _id: orderId }, { $set: { status: 'consumed' }, $push: { processed: msg.id, outbox: event } });
      } else if (reservation.status !== 'consumed') {
        logger.info({ orderId, status: reservation.status }, 'consume refused');
        throw new AppError(409, 'Conflict', `the reservation of order ${orderId} is ${reservation.status}, not active`);
      }
      await outbox.flush(models.Reservations, orderId);
      return reservationView((await models.Reservations.findById(orderId).lean<ReservationDoc>())!);
    });
  };
