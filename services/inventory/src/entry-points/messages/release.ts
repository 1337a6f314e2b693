import { deterministicId, type Handler } from '@oms/messaging';
import { reservationLock, stockLock } from '../../data-access/lock-keys';
import type { ReservationDoc } from '../../data-access/models';
import type { HandlerDeps } from './deps';
import { reservationSkus } from './reservation-lines';

/** Active or short → released. Anything else (already released or consumed, or never reserved) is left alone. */
export const releaseStock =
  ({ locks, outbox, models }: HandlerDeps): Handler<'stock.release.v1'> =>
  async (msg) => {
    const { orderId } = msg.data;
    const skus = await reservationSkus(models, orderId);
    if (!skus) return { orderId, status: null, released: false };
    return locks.withLocks([reservationLock(orderId), ...skus.map(stockLock)], async () => {
      const current = await models.Reservations.findById(orderId, { status: 1 }).lean<Pick<ReservationDoc, 'status'>>();
      const releasable = current?.status === 'active' || current?.status === 'short';
      if (releasable) {
        const event = outbox.entry('stock.released.v1', { orderId }, { correlationId: orderId, causationId: msg.id, id: deterministicId(orderId, 'stock.released.v1') });
        await models.Reservations.updateOne({ _id: orderId }, { $set: { status: 'released' }, $push: { processed: msg.id, outbox: event } });
      }
      await outbox.flush(models.Reservations, orderId);
      return { orderId, status: releasable ? 'released' : (current?.status ?? null), released: releasable };
    });
  };
