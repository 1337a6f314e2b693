import type { AggregateLocks } from '@oms/redis';

/**
 * Lock names. Everything that writes a reservation document holds `reservation:<orderId>`, so a release
 * or consume cannot overtake the reservation of the same order. Stock itself needs no lock: the counters
 * change only inside atomic Redis scripts (stock-counters.ts).
 */
export const reservationLock = (orderId: string) => `reservation:${orderId}`;
export const locationLock = (locationId: string) => `location:${locationId}`;

/**
 * A short lease (renewed while the holder works): when an instance dies holding it, the redelivered
 * command can go on after 5 s rather than the default 30.
 */
export const withReservationLock = <T>(locks: AggregateLocks, orderId: string, fn: () => Promise<T>): Promise<T> =>
  locks.withLock(reservationLock(orderId), fn, { ttlMs: 5000 });

/** Planning settings of a SKU (and, given a location, of the SKU there). */
export const settingsLock = (sku: string, locationId?: string) => (locationId ? `settings:${sku}:${locationId}` : `settings:${sku}`);
