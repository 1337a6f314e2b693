import type { Message } from '@oms/messaging';
import { allocatedLines, assertConsumable, pickEntries } from '../domain/reservation';
import { reservationView } from '../data-access/views';
import { finishInRedis } from './finish-in-redis';
import type { InventoryDeps } from './inventory-deps';

/**
 * The reserved units leave the building: Redis takes them off reserved and on hand, then the pick
 * movements are stored, then the reservation is marked consumed. A crash anywhere in between is finished
 * by the redelivered command; a rebuild in between counts the picks only once the reservation says
 * consumed (domain/ledger.ts), so nothing is taken off twice.
 */
export async function consumeStock({ store, counters, movements }: InventoryDeps, msg: Message<'stock.consume.v1'>) {
  const { orderId } = msg.data;
  return store.change(orderId, msg, async (current) => {
    assertConsumable(orderId, current);
    if (current.status === 'consumed') return { result: reservationView(current) };
    const startedAt = Date.now();
    await finishInRedis(counters, orderId, current.lines, 'consumed');
    counters.assertFresh(startedAt);
    await movements.insertOnce(pickEntries(orderId, current.lines, msg.producer, new Date()));
    counters.assertFresh(startedAt);
    return {
      update: { $set: { status: 'consumed' } },
      emit: [{ type: 'stock.consumed.v1', data: { orderId, lines: allocatedLines(current.lines) } }],
      result: reservationView({ ...current, status: 'consumed', updatedAt: new Date() }),
    };
  });
}
