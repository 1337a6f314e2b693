/**
 * Lock names. Everything that changes a SKU's availability holds `stock:<sku>` for every SKU involved;
 * everything that writes a reservation document holds `reservation:<orderId>`. Handlers needing both take
 * them in one `withLocks` call (sorted order), never nested, so two handlers cannot deadlock.
 */
export const stockLock = (sku: string) => `stock:${sku}`;
export const reservationLock = (orderId: string) => `reservation:${orderId}`;
export const locationLock = (locationId: string) => `location:${locationId}`;
