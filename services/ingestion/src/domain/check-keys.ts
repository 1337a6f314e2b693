/**
 * Keys under which an order's stock reservation and payment check are made.
 *
 * Inventory keeps ONE reservation per `orderId` and payment-check ONE check per `orderId`: a second
 * `stock.reserve.v1` or `payment.check.v1` with the same id is a duplicate they (rightly) ignore. When an
 * order's lines or payment amount change, the old reservation / authorization is released or voided and a
 * new one is made under a new key: `<orderId>~<n>`. Those services only ever see the key in the `orderId`
 * field and need no change; the events they send back carry the key, which leads back here to the order.
 *
 * The first key of every order is the order id itself, so an order that is never amended looks exactly as
 * it always did to every other service. `~` never occurs in an order id (ids are hex with dashes).
 */
export interface CheckKeys {
  stock: string;
  payment: string;
}

const SEPARATOR = '~';

export const initialCheckKeys = (orderId: string): CheckKeys => ({ stock: orderId, payment: orderId });

/** The order a reservation or payment check key belongs to. */
export function orderIdOfCheckKey(key: string): string {
  const at = key.indexOf(SEPARATOR);
  return at === -1 ? key : key.slice(0, at);
}

/** The key after `current`: `<orderId>~2`, `<orderId>~3`, ... */
export function nextCheckKey(current: string): string {
  const orderId = orderIdOfCheckKey(current);
  const round = current === orderId ? 1 : Number(current.slice(orderId.length + 1)) || 1;
  return `${orderId}${SEPARATOR}${round + 1}`;
}
