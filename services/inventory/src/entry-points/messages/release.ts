import { deterministicId, type Handler } from '@oms/messaging';
import { withReservationLock } from '../../data-access/lock-keys';
import type { ReservationDoc } from '../../data-access/models';
import type { HandlerDeps } from './deps';
import { finishInRedis } from './finish-reservation';

/** Active or short → released. Anything else (already released or consumed, or never reserved) is left alone. */
export const releaseStock =
  ({ locks, outbox, models, counters, backorders }: HandlerDeps): Handler<'stock.release.v1'> =>
  async (msg) => {
    const { orderId } = msg.data;
    return withReservationLock(locks, orderId, async () => {
      const current = await models.Reservations.findById(orderId, { status: 1, lines: 1 }).lean<Pick<ReservationDoc, 'status' | 'lines'>>();
      const releasable = current?.status === 'active' || current?.status === 'short' || current?.status === 'backordered';
      if (releasable) {
        // Short and backordered reservations hold nothing; an active one gives its units back in Redis first.
        const startedAt = Date.now();
        if (current.status === 'active') await finishInRedis(counters, orderId, current.lines, 'released');
        counters.assertFresh(startedAt);
        const event = outbox.entry('stock.released.v1', { orderId }, { correlationId: orderId, causationId: msg.id, id: deterministicId(orderId, 'stock.released.v1') });
        await models.Reservations.updateOne({ _id: orderId }, { $set: { status: 'released' }, $push: { processed: msg.id, outbox: event } });
      }
      await outbox.flush(models.Reservations, orderId);
      if (current?.status === 'active') backorders.serveSoon();
      return { orderId, status: releasable ? 'released' : (current?.status ?? null), released: releasable };
    });
  };
