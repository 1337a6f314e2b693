import { AppError } from '@oms/errors';
import type { Message } from '@oms/messaging';
import { addToWaiting, assertShortPickable } from '../domain/reservation';
import type { ReservationDoc } from '../data-access/reservation-model';
import { reservationView } from '../data-access/views';
import type { InventoryDeps } from './inventory-deps';
import { sourceElsewhere } from './reallocate-missing';
import { shortOptions } from './short-options';

/**
 * More units for an order being fulfilled: the substitute a customer chose after a short pick, or the missing
 * units they wait for. They are sourced, all or none, at the best location (one that already has a
 * fulfillment of the order too: the fulfillment there takes the lines), and added to the order's
 * reservation; the report is stock.reallocated.v1 with the lines added, or with them unfilled: then with the
 * customer's options, or, when the customer waits (`backorder`), queued with the backorders (served by
 * serve-backorders.ts).
 */
export async function supplementReservation(deps: InventoryDeps, msg: Message<'stock.supplement.v1'>) {
  const { store } = deps;
  const { orderId, lines, shipTo, backorder } = msg.data;
  return store.change(orderId, msg, async (current) => {
    assertShortPickable(orderId, current);
    const before = current.lines;
    const sourced = await sourceElsewhere(deps, { orderId, operationId: msg.id, need: lines, ...(shipTo ? { shipTo } : {}), excluded: new Set() });
    if (sourced && sourced.lines.length < before.length) throw new AppError(500, 'Internal Server Error', `reservation ${orderId} lost lines in Redis`);
    const unfilled = sourced ? [] : lines.map((l) => ({ sku: l.sku, missing: l.quantity }));
    if (!sourced && backorder) return queueSupplement(current, msg);
    const options = sourced
      ? undefined
      : await shortOptions(
          deps,
          lines.map((l) => ({ sku: l.sku, requested: l.quantity, available: 0 })),
          { lines, ...(shipTo ? { shipTo } : {}) },
        );
    const all = sourced?.lines ?? before;
    return {
      ...(sourced ? { update: { $set: { lines: all } } } : {}),
      emit: [
        {
          type: 'stock.reallocated.v1',
          data: {
            orderId,
            corrected: [],
            lines: all.slice(before.length),
            unfilled,
            reason: sourced ? sourced.reason.replace('missing units sourced again', 'added to the order') : 'not available at any location',
            ...(options ? { options } : {}),
          },
        },
      ],
      result: reservationView({ ...current, lines: all, updatedAt: new Date() }),
    };
  });
}

/** Units the customer waits for and no location has: kept on the reservation, in the backorder queue. */
function queueSupplement(current: ReservationDoc, msg: Message<'stock.supplement.v1'>) {
  const { orderId, lines, shipTo } = msg.data;
  const waiting = addToWaiting(current.waitingSupplement, lines, shipTo, new Date());
  const listed = lines.map((l) => `${l.quantity} × ${l.sku}`).join(', ');
  return {
    update: { $set: { waitingSupplement: waiting, supplementQueued: true } },
    emit: [
      {
        type: 'stock.reallocated.v1' as const,
        data: {
          orderId,
          corrected: [],
          lines: [],
          unfilled: lines.map((l) => ({ sku: l.sku, missing: l.quantity })),
          reason: `not available at any location: ${listed} backordered, served first in, first out`,
          backordered: true,
        },
      },
    ],
    result: reservationView({ ...current, updatedAt: new Date() }),
  };
}
