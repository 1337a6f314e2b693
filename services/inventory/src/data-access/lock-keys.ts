/**
 * Every lock name of the service. Everything that writes a reservation document holds
 * `reservation:<orderId>` (through the reservation store), so a release or consume cannot overtake the
 * reservation of the same order. Stock itself needs no lock: the counters change only inside atomic Redis
 * scripts (stock-counters.ts).
 */
export const reservationLock = (orderId: string) => `reservation:${orderId}`;
export const locationLock = (locationId: string) => `location:${locationId}`;

/** Planning settings of a SKU (and, given a location, of the SKU there). */
export const settingsLock = (sku: string, locationId?: string) => (locationId ? `settings:${sku}:${locationId}` : `settings:${sku}`);

/** An alert document: the sweep and the flush right after its insert take it, so only one of them publishes it. */
export const stockAlertLock = (id: string) => `stock-alert:${id}`;
