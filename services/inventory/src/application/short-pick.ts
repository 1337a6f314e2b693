import { AppError } from '@oms/errors';
import { deterministicId, type Message } from '@oms/messaging';
import { assertShortPickable } from '../domain/reservation';
import { correctionEntries, shortPickCorrections } from '../domain/short-pick';
import type { AllocatedLine } from '../domain/sourcing';
import type { StockCounters } from '../data-access/stock-counters';
import { reservationView } from '../data-access/views';
import type { InventoryDeps } from './inventory-deps';
import { reallocateMissing } from './reallocate-missing';
import { shortOptions } from './short-options';

/**
 * Articles missing on the shelf at a location (reported by fulfillment through ingestion): the units leave
 * the reservation and on hand there (an adjustment in the ledger), and the same units are sourced, all or
 * none, from locations without a fulfillment of the order. Redis first (one script per step, each once per
 * operation), then the ledger entries, then the reservation with its event: a crash anywhere is finished by
 * the redelivered command, and a rebuild counts the entries only once the reservation records the operation.
 */
export async function shortPick(deps: InventoryDeps, msg: Message<'stock.short-pick.v1'>) {
  const { store, counters, movements } = deps;
  const { orderId, locationId, lines, shipTo, excludeLocationIds } = msg.data;
  return store.change(orderId, msg, async (current) => {
    assertShortPickable(orderId, current);
    const startedAt = Date.now();
    const before = current.lines;
    const after = await takeOffShelf(
      counters,
      orderId,
      msg.id,
      lines.map((l) => ({ sku: l.sku, locationId, missing: l.missing })),
    );
    const corrected = shortPickCorrections(before, after, lines, locationId);
    const excluded = new Set([...excludeLocationIds, locationId]);
    const {
      lines: all,
      reason,
      unfilled,
    } = await reallocateMissing(deps, { orderId, operationId: msg.id, before, after, corrected, ...(shipTo ? { shipTo } : {}), excluded });

    // Nothing left anywhere: the customer's ways out, as at reservation (substitutes, stock on its way, dropping the line).
    const options =
      unfilled.length > 0
        ? await shortOptions(
            deps,
            unfilled.map((u) => ({ sku: u.sku, requested: u.missing, available: 0 })),
            { lines: unfilled.map((u) => ({ sku: u.sku, quantity: u.missing })), ...(shipTo ? { shipTo } : {}) },
          )
        : undefined;
    const ids = corrected.map((_, i) => deterministicId(msg.id, 'short-pick', String(i)));
    counters.assertFresh(startedAt);
    await movements.insertOnce(correctionEntries(corrected, ids, orderId, msg.id, msg.producer, new Date()));
    counters.assertFresh(startedAt);
    return {
      update: { $set: { lines: all } },
      emit: [
        { type: 'stock.reallocated.v1', data: { orderId, corrected, lines: all.slice(before.length), unfilled, reason, ...(options ? { options } : {}) } },
      ],
      result: reservationView({ ...current, lines: all, updatedAt: new Date() }),
    };
  });
}

/**
 * The missing units leave reserved and on hand at the location, in Redis. Answers the reservation's lines
 * after (in their places). No marker for a reservation the store calls active: the counters are rebuilt.
 */
async function takeOffShelf(
  counters: StockCounters,
  orderId: string,
  operationId: string,
  missing: Array<{ sku: string; locationId: string; missing: number }>,
): Promise<AllocatedLine[]> {
  let picked = await counters.shortPick(orderId, operationId, missing);
  if (picked.status === 'unknown') {
    await counters.rebuild(`reservation ${orderId} is active but Redis has no marker for it`);
    picked = await counters.shortPick(orderId, operationId, missing);
  }
  if (!('lines' in picked)) throw new AppError(500, 'Internal Server Error', `reservation ${orderId} is ${picked.status} in Redis but active in the store`);
  return picked.lines;
}
