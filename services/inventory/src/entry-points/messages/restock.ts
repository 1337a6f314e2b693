import { unprocessable } from '@oms/errors';
import { deterministicId, type Handler } from '@oms/messaging';
import { planRestock } from '../../domain/restock';
import { bookMovements } from '../../data-access/book-movements';
import { announceLowStock } from '../../data-access/stock-alerts';
import { withReservationLock } from '../../data-access/lock-keys';
import type { ReservationDoc } from '../../data-access/models';
import type { HandlerDeps } from './deps';

/**
 * Returned goods back into the ledger (damaged ones written off again). The event rides on the order's
 * reservation document, which is the aggregate with an outbox here.
 */
export const restockReturn =
  ({ locks, outbox, models, counters, backorders }: HandlerDeps): Handler<'stock.restock.v1'> =>
  async (msg) => {
    const { orderId, returnId, locationId, lines } = msg.data;
    if (!(await models.Locations.exists({ _id: locationId })))
      throw unprocessable(`location ${locationId} does not exist`, [{ path: 'locationId', message: `location ${locationId} does not exist` }]);
    const plan = planRestock(returnId, locationId, lines);
    return withReservationLock(locks, orderId, async () => {
      const booked = await bookMovements(models, counters, `restock:${returnId}`, {
        ids: plan.movements.map((m) => m._id),
        changes: plan.movements.map(({ _id, ...movement }, index) => ({ index, kind: 'add' as const, movement })),
        actor: msg.producer,
        path: 'lines',
      });
      await announceLowStock({ models, outbox, locks }, booked.low, msg.id);
      if (plan.restocked.length > 0) backorders.serveSoon();
      const event = outbox.entry(
        'stock.restocked.v1',
        { orderId, returnId, restocked: plan.restocked, writtenOff: plan.writtenOff },
        { correlationId: orderId, causationId: msg.id, id: deterministicId(orderId, returnId, 'stock.restocked.v1') },
      );
      const reservation = await models.Reservations.findById(orderId, { processed: 1 }).lean<Pick<ReservationDoc, 'processed'>>();
      if (!reservation) {
        // Stock that never went through a reservation here (an order older than this service): a minimal
        // document carries the event.
        await models.Reservations.create({ _id: orderId, status: 'consumed', lines: [], processed: [msg.id], outbox: [event] });
      } else if (!reservation.processed.includes(msg.id)) {
        await models.Reservations.updateOne({ _id: orderId }, { $push: { processed: msg.id, outbox: event } });
      }
      await outbox.flush(models.Reservations, orderId);
      return { orderId, returnId, restocked: plan.restocked, writtenOff: plan.writtenOff };
    });
  };
