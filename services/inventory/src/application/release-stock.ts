import type { Message } from '@oms/messaging';
import { isReleasable } from '../domain/reservation';
import type { ReservationView } from '../data-access/views';
import type { InventoryDeps } from './inventory-deps';
import { finishInRedis } from './finish-in-redis';

export interface ReleaseAnswer {
  orderId: string;
  status: string | null;
  /** Whether this command ended the reservation (a repeat, or one already over, changes nothing). */
  released: boolean;
}

/**
 * Active, short or backordered → released. Already released or consumed is left alone. A release that finds
 * no reservation (it overtook its reserve command, or the reservation never got stored) stores the
 * reservation as released, with no lines: a reserve that comes later finds that decision and gives its units
 * back, and the order hears `stock.released.v1`, so its stock check does not wait for a reservation that
 * will never be released.
 */
export async function releaseStock({ store, counters, backorders }: InventoryDeps, msg: Message<'stock.release.v1'>): Promise<ReleaseAnswer> {
  const { orderId } = msg.data;
  let decided = false;
  let gaveBackUnits = false;
  const answer = await store.change<ReleaseAnswer>(orderId, msg, async (current) => {
    decided = true;
    if (!current)
      return {
        create: { status: 'released', lines: [], reason: 'released before any reservation was stored' },
        emit: [{ type: 'stock.released.v1', data: { orderId } }],
        result: { orderId, status: 'released', released: false },
      };
    if (!isReleasable(current.status)) return { result: { orderId, status: current.status, released: false } };
    // Short and backordered reservations hold nothing; an active one gives its units back in Redis first.
    const startedAt = Date.now();
    if (current.status === 'active') await finishInRedis(counters, orderId, current.lines, 'released');
    counters.assertFresh(startedAt);
    gaveBackUnits = current.status === 'active';
    return {
      // Units waited for after a short pick leave the backorder queue with it.
      update: { $set: { status: 'released' }, ...(current.supplementQueued ? { $unset: { waitingSupplement: 1, supplementQueued: 1 } } : {}) },
      emit: [{ type: 'stock.released.v1', data: { orderId } }],
      result: { orderId, status: 'released', released: true },
    };
  });
  if (gaveBackUnits) backorders.serveSoon();
  if (decided) return answer!;
  // A repeat: the store answers with the reservation's view, and this delivery changed nothing.
  return { orderId, status: (answer as unknown as ReservationView).status, released: false };
}
