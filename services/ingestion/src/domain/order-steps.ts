import { currencyExponent, orderTotals, type Fact, type MessageType, type OrderStatus, type Outgoing } from '@oms/contracts';
import type { Hold, OrderChange, OrderState, TimelineEntry } from './order';
import { notifyStatus } from './notifications';
import { canTransition } from './order-status';

/** Steps every part of the order's life shares: timeline entries, status changes, the reservation command. */

/** A timeline entry for a reported fact: when it happened and which service said so. */
export function entry(
  fact: Pick<Fact<MessageType>, 'occurredAt' | 'producer'>,
  type: string,
  detail?: string,
  extra: Partial<TimelineEntry> = {},
): TimelineEntry {
  return { at: fact.occurredAt, type, service: fact.producer, ...(detail ? { detail } : {}), ...extra };
}

/** Change the status (if the state machine allows it) and record it, with the event for partners. */
export function moveTo(
  order: OrderState,
  change: OrderChange,
  to: OrderStatus,
  fact: Pick<Fact<MessageType>, 'occurredAt' | 'producer'>,
  reason?: string,
): boolean {
  const from = change.set.status ?? order.status;
  if (from === to || !canTransition(from, to)) return false;
  change.set.status = to;
  // The overseer (this service) changes the status; the report that caused it is the entry before it.
  change.timeline.push(entry(fact, 'status_changed', `${from} → ${to}${reason ? `: ${reason}` : ''}`, { status: to, service: 'ingestion' }));
  change.send.push({ type: 'order.status-changed.v1', data: { orderId: order.id, channel: order.channel, from, to, ...(reason ? { reason } : {}) } });
  notifyStatus(order, change, to);
  return true;
}

/** Hold the order for `hold.reason`, replacing an earlier hold of the same reason (this change's holds, else the order's). */
export function putHold(order: OrderState, change: OrderChange, hold: Hold): void {
  const others = (change.set.holds ?? order.holds).filter((h) => h.reason !== hold.reason);
  change.set.holds = [...others, hold];
}

/** Whether the order is over before it was fulfilled: nothing may book, ship or keep money for it. */
export const isClosed = (order: Pick<OrderState, 'status'>) => order.status === 'cancelled' || order.status === 'rejected';

/** Ask inventory for the order's stock: where the parcel goes (or the pickup store) lets it choose the location. */
export function reserveCommand(
  reservationId: string,
  order: Pick<OrderState, 'lines' | 'shippingAddress' | 'shipping'>,
  { backorder = false } = {},
): Extract<Outgoing, { type: 'stock.reserve.v1' }> {
  const { pickupLocationId } = order.shipping;
  return {
    type: 'stock.reserve.v1',
    data: {
      orderId: reservationId,
      lines: order.lines.map(({ sku, quantity }) => ({ sku, quantity })),
      shipTo: { country: order.shippingAddress.country, postalCode: order.shippingAddress.postalCode },
      ...(pickupLocationId ? { pickupLocationId } : {}),
      ...(backorder ? { backorder } : {}),
    },
  };
}

/**
 * Ask payment-check to check the order's payment under the check key, with what fraud screening looks at
 * (who ordered, from where, to where, how fast, for how much).
 */
export function paymentCheckCommand(checkKey: string, order: OrderState): Extract<Outgoing, { type: 'payment.check.v1' }> {
  const { amount, provider, method, reference, cardReference } = order.payment;
  const { email, phone, ip } = order.customer;
  return {
    type: 'payment.check.v1',
    data: {
      orderId: checkKey,
      amount,
      currency: order.currency,
      provider,
      method,
      reference,
      risk: {
        email,
        ...(phone ? { phone } : {}),
        ...(ip ? { ip } : {}),
        ...(cardReference ? { cardReference } : {}),
        shippingAddress: order.shippingAddress,
        ...(order.billingAddress ? { billingCountry: order.billingAddress.country } : {}),
        shippingMethod: order.shipping.method,
        total: orderTotals(order).total,
      },
    },
  };
}

/**
 * An order whose last hold was lifted goes on: pending again, or waiting for its bank transfer if that is
 * what its payment does, and to the warehouse if its checks are done.
 */
export function resume(order: OrderState, change: OrderChange, fact: Pick<Fact<MessageType>, 'occurredAt' | 'producer'>, reason: string): void {
  if (!moveTo(order, change, 'pending', fact, reason)) return;
  const payment = change.set.checks?.payment ?? order.checks.payment;
  if (payment === 'awaiting') moveTo(order, change, 'awaiting_payment', fact, 'waiting for the bank transfer');
  releaseWhenReady(order, change, fact);
}

/** Stock reserved and payment approved: hand the order to the warehouse. */
export function releaseWhenReady(order: OrderState, change: OrderChange, fact: Pick<Fact<MessageType>, 'occurredAt' | 'producer'>): void {
  const checks = { ...order.checks, ...change.set.checks };
  const status = change.set.status ?? order.status;
  if (checks.stock !== 'reserved' || checks.payment !== 'approved' || status !== 'pending') return;
  const allocation = change.set.allocation ?? order.allocation;
  if (moveTo(order, change, 'ready_to_fulfill', fact))
    change.send.push({
      type: 'fulfillment.open.v1',
      data: {
        orderId: order.id,
        lines: allocation,
        shippingAddress: change.set.shippingAddress ?? order.shippingAddress,
        shippingMethod: order.shipping.method,
        orderedAt: order.createdAt,
        ...(order.shipping.pickupLocationId ? { pickup: true } : {}),
      },
    });
}

/** Fulfillments the warehouse may still work on: a hold of the order must reach them. */
const WORKABLE = new Set(['open', 'picking', 'packed', 'ready_for_pickup']);

/**
 * The order went on hold or came off it while the warehouse has its work: tell fulfillment, so that a held
 * order's parcels are not picked, packed or handed over. The order's version (its count of timeline
 * entries, which only grows) lets fulfillment ignore a message that arrives after a newer one.
 */
export function syncFulfillmentHold(order: OrderState, change: OrderChange): void {
  const before = order.status === 'on_hold';
  const after = (change.set.status ?? order.status) === 'on_hold';
  const fulfillments = change.set.fulfillments ?? order.fulfillments;
  if (before === after || !fulfillments.some((f) => WORKABLE.has(f.status) && !f.id.startsWith(pendingFulfillment('')))) return;
  const holds = change.set.holds ?? order.holds;
  change.send.push({
    type: 'fulfillment.set-order-hold.v1',
    data: {
      orderId: order.id,
      held: after,
      ...(after && holds.length > 0 ? { reason: holds.map((h) => h.reason).join(', ') } : {}),
      version: order.timeline.length + change.timeline.length,
    },
  });
}

/** How long a check took, from the order's intake to its report, for the timeline (`after 412 ms`). */
export const sinceIntake = (order: Pick<OrderState, 'createdAt'>, fact: Pick<Fact<MessageType>, 'occurredAt'>) => {
  const ms = Date.parse(fact.occurredAt) - Date.parse(order.createdAt);
  return Number.isFinite(ms) && ms >= 0 ? `${ms} ms after intake` : 'time unknown';
};

/** Amounts in the timeline: minor units shown as a decimal by the currency's exponent (EUR 2, JPY 0, KWD 3). */
export const money = (amount: number, currency: string) => {
  const digits = currencyExponent(currency) ?? 2;
  return `${(amount / 10 ** digits).toFixed(digits)} ${currency}`;
};

/** The placeholder of a fulfillment asked for but not opened yet (replaced by fulfillment.opened.v1). */
export const pendingFulfillment = (locationId: string) => `pending:${locationId}`;

/** Units by SKU as the timeline and holds show them: `2 × SKU-1, 1 × SKU-2`. */
export const listUnits = (units: Array<{ sku: string; missing: number }>) => units.map((u) => `${u.missing} × ${u.sku}`).join(', ');
