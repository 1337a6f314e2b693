import { AppError } from '@oms/errors';
import { deterministicId, type Handler } from '@oms/messaging';
import { reservationLock, stockLock } from '../../data-access/lock-keys';
import type { MovementDoc, ReservationDoc } from '../../data-access/models';
import { insertMovementsOnce } from '../../data-access/movements';
import { reservationView } from '../../data-access/views';
import type { HandlerDeps } from './deps';
import { reservationSkus } from './reservation-lines';

/**
 * The reserved units leave the building: pick movements first, then the reservation is marked consumed.
 * A crash in between leaves the picks counted and the reservation still holding (too little available for
 * a moment, never oversold); the retry finds its picks by id and finishes.
 */
export const consumeStock =
  ({ locks, outbox, models }: HandlerDeps): Handler<'stock.consume.v1'> =>
  async (msg, { logger }) => {
    const { orderId } = msg.data;
    const skus = await reservationSkus(models, orderId);
    if (!skus) throw new AppError(404, 'Not Found', `order ${orderId} has no reservation`);
    return locks.withLocks([reservationLock(orderId), ...skus.map(stockLock)], async () => {
      const reservation = (await models.Reservations.findById(orderId).lean<ReservationDoc>())!;
      if (reservation.status === 'active') {
        const picks: MovementDoc[] = reservation.lines.map((l) => ({
          _id: `pick:${orderId}:${l.sku}:${l.locationId}`,
          sku: l.sku,
          locationId: l.locationId,
          quantity: -l.quantity,
          type: 'pick',
          reference: orderId,
          actor: msg.producer,
          at: new Date(),
        }));
        await insertMovementsOnce(models, picks);
        const lines = reservation.lines.map(({ sku, locationId, quantity }) => ({ sku, locationId, quantity }));
        const event = outbox.entry('stock.consumed.v1', { orderId, lines }, { correlationId: orderId, causationId: msg.id, id: deterministicId(orderId, 'stock.consumed.v1') });
        await models.Reservations.updateOne({ _id: orderId }, { $set: { status: 'consumed' }, $push: { processed: msg.id, outbox: event } });
      } else if (reservation.status !== 'consumed') {
        logger.info({ orderId, status: reservation.status }, 'consume refused');
        throw new AppError(409, 'Conflict', `the reservation of order ${orderId} is ${reservation.status}, not active`);
      }
      await outbox.flush(models.Reservations, orderId);
      return reservationView((await models.Reservations.findById(orderId).lean<ReservationDoc>())!);
    });
  };
