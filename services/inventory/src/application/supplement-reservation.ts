import { AppError } from '@oms/errors';
import type { Message } from '@oms/messaging';
import { assertShortPickable } from '../domain/reservation';
import { reservationView } from '../data-access/views';
import type { InventoryDeps } from './inventory-deps';
import { sourceElsewhere } from './reallocate-missing';
import { shortOptions } from './short-options';

/**
 * More units for an order being fulfilled: the substitute a customer chose after a short pick. They are
 * sourced, all or none, at the best location (one that already has a fulfillment of the order too: the
 * fulfillment there takes the lines), and added to the order's reservation; the report is
 * stock.reallocated.v1 with the lines added, or with them unfilled and the customer's options.
 */
export async function supplementReservation(deps: InventoryDeps, msg: Message<'stock.supplement.v1'>) {
  const { store } = deps;
  const { orderId, lines, shipTo } = msg.data;
  return store.change(orderId, msg, async (current) => {
    assertShortPickable(orderId, current);
    const before = current.lines;
    const sourced = await sourceElsewhere(deps, { orderId, operationId: msg.id, need: lines, ...(shipTo ? { shipTo } : {}), excluded: new Set() });
    if (sourced && sourced.lines.length < before.length) throw new AppError(500, 'Internal Server Error', `reservation ${orderId} lost lines in Redis`);
    const unfilled = sourced ? [] : lines.map((l) => ({ sku: l.sku, missing: l.quantity }));
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
