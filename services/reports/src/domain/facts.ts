import { orderTotals, type CanonicalOrder } from '@oms/contracts';
import { isoWeekOf } from './periods';

/**
 * What the reports are built from: one immutable fact per business event, with the dimensions the reports
 * group by. Its id comes from the business key (the order, the parcel, the fulfillment, the return), so a
 * redelivered or republished event yields the same fact and is stored once.
 */
interface FactBase {
  _id: string;
  /** The UTC day the fact counts on, and its ISO week. */
  day: string;
  week: string;
}

export interface OrderFact extends FactBase {
  kind: 'order';
  orderId: string;
  channel: string;
  paymentMethod: string;
  shippingMethod: string;
  country: string;
  currency: string;
  /** The order total in minor units of `currency`. */
  total: number;
  receivedAt: Date;
  lines: { sku: string; quantity: number }[];
}

/** A booked parcel (an order split in parcels books several, possibly with several carriers). */
export interface ParcelFact extends FactBase {
  kind: 'parcel';
  orderId: string;
  carrierId: string;
  /** The order's currency and total, when its order fact was there at booking: sales by carrier sum them once per order. */
  currency?: string;
  total?: number;
}

export interface HandOverFact extends FactBase {
  kind: 'handover';
  orderId: string;
  locationId: string;
  /** From the order's receipt to the hand-over; absent when the order was received before reports existed. */
  shipMs?: number;
  /** Handed over by the ship-by time; absent when the event carried none. */
  onTime?: boolean;
}

export interface ReturnFact extends FactBase {
  kind: 'return';
  orderId: string;
  lines: { sku: string; quantity: number; reason: string }[];
}

export interface CancellationFact extends FactBase {
  kind: 'cancellation';
  orderId: string;
  channel: string;
  reason: string;
}

export type Fact = OrderFact | ParcelFact | HandOverFact | ReturnFact | CancellationFact;
export type FactKind = Fact['kind'];

const when = (at: string | Date) => {
  const day = new Date(at).toISOString().slice(0, 10);
  return { day, week: isoWeekOf(day) };
};

export function orderFact(orderId: string, order: CanonicalOrder, receivedAt: string): OrderFact {
  return {
    _id: `order:${orderId}`,
    kind: 'order',
    ...when(receivedAt),
    orderId,
    channel: order.channel,
    paymentMethod: order.payment.method,
    shippingMethod: order.shipping.method,
    country: order.shippingAddress.country,
    currency: order.currency,
    total: orderTotals(order).total,
    receivedAt: new Date(receivedAt),
    // One entry per SKU: an order may list a SKU on several lines.
    lines: [
      ...sumBy(
        order.lines,
        (l) => l.sku,
        (l) => l.quantity,
      ),
    ].map(([sku, quantity]) => ({ sku, quantity })),
  };
}

export function parcelFact(
  data: { orderId: string; shipmentId: string; carrierId: string },
  occurredAt: string,
  order: Pick<OrderFact, 'currency' | 'total'> | undefined,
): ParcelFact {
  return {
    _id: `parcel:${data.shipmentId}`,
    kind: 'parcel',
    ...when(occurredAt),
    orderId: data.orderId,
    carrierId: data.carrierId,
    ...(order ? { currency: order.currency, total: order.total } : {}),
  };
}

export function handOverFact(
  data: { orderId: string; fulfillmentId: string; locationId: string; shipBy?: string },
  occurredAt: string,
  orderReceivedAt: Date | undefined,
): HandOverFact {
  const at = new Date(occurredAt);
  return {
    _id: `handover:${data.fulfillmentId}`,
    kind: 'handover',
    ...when(occurredAt),
    orderId: data.orderId,
    locationId: data.locationId,
    ...(orderReceivedAt ? { shipMs: Math.max(0, at.getTime() - orderReceivedAt.getTime()) } : {}),
    ...(data.shipBy ? { onTime: at.getTime() <= Date.parse(data.shipBy) } : {}),
  };
}

export function returnFact(
  data: { orderId: string; returnId: string; lines: { sku: string; quantity: number; reason: string }[] },
  occurredAt: string,
): ReturnFact {
  return { _id: `return:${data.returnId}`, kind: 'return', ...when(occurredAt), orderId: data.orderId, lines: data.lines };
}

/** An order is cancelled once: its id is the fact's. */
export function cancellationFact(data: { orderId: string; channel?: string; reason?: string }, occurredAt: string): CancellationFact {
  return {
    _id: `cancellation:${data.orderId}`,
    kind: 'cancellation',
    ...when(occurredAt),
    orderId: data.orderId,
    channel: data.channel ?? 'unknown',
    reason: data.reason ?? 'unspecified',
  };
}

export const orderFactId = (orderId: string): string => `order:${orderId}`;

/** Sums of `value` by `key`, in the order keys first appear. */
export function sumBy<T>(items: Iterable<T>, key: (item: T) => string, value: (item: T) => number): Map<string, number> {
  const sums = new Map<string, number>();
  for (const item of items) sums.set(key(item), (sums.get(key(item)) ?? 0) + value(item));
  return sums;
}
