import type { CanonicalOrder, Envelope, MessageData, OrderStatus, ShortLineOptions } from '@oms/contracts';
import { AppError } from '@oms/errors';
import { initialCheckKeys } from './check-keys';
import { expectedAmount, noChange, type AllocatedLine, type OrderChange, type OrderState, type TimelineEntry } from './order';
import { CANCELLABLE, canTransition } from './order-status';

/**
 * The order's life as one overseer sees it: every fact another service reports about the order (stock
 * reserved, payment approved, parcel delivered...) becomes a change of the order and the commands that
 * move it on. Pure: no I/O; the caller stores the change and its messages in one write.
 */

export function entry(msg: Envelope, type: string, detail?: string, extra: Partial<TimelineEntry> = {}): TimelineEntry {
  return { at: msg.occurredAt, type, service: msg.producer, ...(detail ? { detail } : {}), ...extra };
}

/** Change the status (if the state machine allows it) and record it, with the event for partners. */
export function moveTo(order: OrderState, change: OrderChange, to: OrderStatus, msg: Envelope, reason?: string): boolean {
  const from = change.set.status ?? order.status;
  if (from === to || !canTransition(from, to)) return false;
  change.set.status = to;
  // The overseer (this service) changes the status; the report that caused it is the entry before it.
  change.timeline.push(entry(msg, 'status_changed', `${from} → ${to}${reason ? `: ${reason}` : ''}`, { status: to, service: 'ingestion' }));
  change.send.push({ type: 'order.status-changed.v1', data: { orderId: order.id, from, to, ...(reason ? { reason } : {}) } });
  return true;
}

/** The order as first stored, and the checks it starts. */
export function acceptOrder(orderId: string, order: CanonicalOrder, msg: Envelope<MessageData<'order.received.v1'>>): { state: OrderState; change: OrderChange } {
  const state: OrderState = {
    ...order,
    id: orderId,
    status: 'received',
    holds: [],
    checks: { stock: 'pending', payment: 'pending' },
    checkKeys: initialCheckKeys(orderId),
    allocation: [],
    fulfillments: [],
    shipments: [],
    returns: [],
    timeline: [],
    // One format for every order (the list is sorted and paged by it as a string).
    createdAt: new Date(msg.data.receivedAt).toISOString(),
  };
  const change = noChange();
  change.timeline.push({ at: msg.data.receivedAt, type: 'order_received', service: msg.producer, actor: msg.data.actor, status: 'received', detail: `via channel ${order.channel}` });
  change.send.push({ type: 'order.accepted.v1', data: { orderId, channel: order.channel, externalId: order.externalId, status: 'pending' } });
  const expected = expectedAmount(order);
  if (order.payment.amount !== expected) {
    const detail = `payment amount ${order.payment.amount} does not match lines plus shipping ${expected} ${order.currency}`;
    change.set.holds = [{ reason: 'amount_mismatch', detail, at: msg.occurredAt }];
    change.set.checks = { stock: 'none', payment: 'none' };
    moveTo(state, change, 'on_hold', msg, 'amount_mismatch');
    return { state, change };
  }
  moveTo(state, change, 'pending', msg);
  change.send.push(reserveCommand(orderId, order));
  change.send.push({
    type: 'payment.check.v1',
    data: { orderId, amount: order.payment.amount, currency: order.currency, provider: order.payment.provider, method: order.payment.method, reference: order.payment.reference },
  });
  return { state, change };
}

/** Ask inventory for the order's stock: where the parcel goes (or the pickup store) lets it choose the location. */
export function reserveCommand(
  reservationId: string,
  order: Pick<OrderState, 'lines' | 'shippingAddress' | 'shipping'>,
  { backorder = false } = {},
): OrderChange['send'][number] {
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

/** Stock reserved and payment approved: hand the order to the warehouse. */
export function releaseWhenReady(order: OrderState, change: OrderChange, msg: Envelope): void {
  const checks = { ...order.checks, ...change.set.checks };
  const status = change.set.status ?? order.status;
  if (checks.stock !== 'reserved' || checks.payment !== 'approved' || status !== 'pending') return;
  const allocation = change.set.allocation ?? order.allocation;
  if (moveTo(order, change, 'ready_to_fulfill', msg))
    change.send.push({ type: 'fulfillment.open.v1', data: { orderId: order.id, lines: allocation, shippingAddress: change.set.shippingAddress ?? order.shippingAddress, shippingMethod: order.shipping.method } });
}

export function cancelOrder(order: OrderState, msg: Envelope<MessageData<'order.cancel.v1'>>): OrderChange {
  if (order.status === 'cancelled') return noChange();
  if (!CANCELLABLE.includes(order.status))
    throw new AppError(409, 'Conflict', `An order that is ${order.status} can no longer be cancelled`, undefined, { orderStatus: order.status });
  const change = noChange();
  change.timeline.push(entry(msg, 'cancel_requested', msg.data.reason, { actor: msg.data.actor }));
  moveTo(order, change, 'cancelled', msg, msg.data.reason);
  change.send.push({ type: 'stock.release.v1', data: { orderId: order.checkKeys.stock } });
  change.send.push({ type: 'payment.void.v1', data: { orderId: order.checkKeys.payment } });
  change.send.push({ type: 'fulfillment.cancel.v1', data: { orderId: order.id } });
  return change;
}

const money = (amount: number, currency: string) => `${(amount / 100).toFixed(2)} ${currency}`;

/** React to a fact another service reports about the order. */
export function onOrderEvent(order: OrderState, msg: Envelope): OrderChange {
  const change = noChange();
  const d = msg.data as any;
  const checks = (patch: Partial<OrderState['checks']>) => (change.set.checks = { ...order.checks, ...change.set.checks, ...patch });
  const isClosed = order.status === 'cancelled' || order.status === 'rejected';
  if (isSuperseded(order, msg)) return onSupersededCheck(order, msg);

  switch (msg.type) {
    case 'stock.reserved.v1': {
      const where = [...new Set((d.lines as Array<{ locationId: string }>).map((l) => l.locationId))].join(', ');
      change.timeline.push(entry(msg, 'stock_reserved', d.reason ? `reserved at ${where}; ${d.reason}` : `reserved at ${where}`));
      checks({ stock: 'reserved' });
      change.set.allocation = d.lines;
      if (isClosed) {
        // Cancelled or rejected while the reservation was under way: give the stock back.
        change.send.push({ type: 'stock.release.v1', data: { orderId: order.checkKeys.stock } });
        break;
      }
      // A backorder served: its stock_short hold is over; with no other hold the order goes on.
      if (order.status === 'on_hold' && order.holds.some((h) => h.reason === 'stock_short')) {
        const holds = order.holds.filter((h) => h.reason !== 'stock_short');
        change.set.holds = holds;
        if (holds.length > 0) break;
        moveTo(order, change, 'pending', msg, 'stock arrived for the backorder');
      }
      releaseWhenReady(order, change, msg);
      break;
    }
    case 'stock.backordered.v1': {
      const detail = `backordered, waiting for stock (served first in, first out): ${(d.lines as Array<{ sku: string; requested: number; available: number }>).map((l) => `${l.sku}: requested ${l.requested}, available ${l.available}`).join('; ')}`;
      change.timeline.push(entry(msg, 'stock_backordered', detail));
      checks({ stock: 'backordered' });
      if (isClosed) break;
      change.set.holds = [...order.holds.filter((h) => h.reason !== 'stock_short'), { reason: 'stock_short', detail, at: msg.occurredAt }];
      moveTo(order, change, 'on_hold', msg, 'stock_short');
      break;
    }
    case 'stock.short.v1': {
      const detail = (d.lines as Array<{ sku: string; requested: number; available: number }>).map((l) => `${l.sku}: requested ${l.requested}, available ${l.available}`).join('; ');
      change.timeline.push(entry(msg, 'stock_short', d.reason ? `${detail} (${d.reason})` : detail));
      checks({ stock: 'short' });
      if (isClosed) break;
      const options = d.options as ShortLineOptions[] | undefined;
      change.set.holds = [...order.holds, { reason: 'stock_short', detail, at: msg.occurredAt, ...(options ? { options } : {}) }];
      moveTo(order, change, 'on_hold', msg, 'stock_short');
      break;
    }
    case 'payment.approved.v1':
      change.timeline.push(entry(msg, 'payment_approved', `${money(d.amount, d.currency)} approved (${d.providerRef})`));
      checks({ payment: 'approved' });
      if (isClosed) break;
      releaseWhenReady(order, change, msg);
      break;
    case 'payment.declined.v1':
      change.timeline.push(entry(msg, 'payment_declined', d.reason));
      checks({ payment: 'declined' });
      if (moveTo(order, change, 'rejected', msg, `payment declined: ${d.reason}`)) change.send.push({ type: 'stock.release.v1', data: { orderId: order.checkKeys.stock } });
      break;
    case 'stock.released.v1':
      change.timeline.push(entry(msg, 'stock_released'));
      checks({ stock: 'released' });
      break;
    case 'payment.voided.v1':
      change.timeline.push(entry(msg, 'payment_voided'));
      checks({ payment: 'voided' });
      break;
    case 'fulfillment.opened.v1':
      if (order.fulfillments.some((f) => f.id === d.fulfillmentId)) break;
      change.timeline.push(entry(msg, 'fulfillment_opened', `fulfillment ${d.fulfillmentId} at ${d.locationId}`));
      // A fulfillment asked for after a short pick was registered as pending; it now has its id.
      change.set.fulfillments = [
        ...order.fulfillments.filter((f) => !(f.id === pendingFulfillment(d.locationId))),
        { id: d.fulfillmentId, locationId: d.locationId, status: 'open' },
      ];
      break;
    case 'fulfillment.short-picked.v1': {
      const missing = (d.lines as Array<{ sku: string; missing: number }>).map((l) => `${l.missing} × ${l.sku}`).join(', ');
      change.timeline.push(entry(msg, 'short_pick', `${missing} missing on the shelf at ${d.locationId} (fulfillment ${d.fulfillmentId})`, { actor: d.actor }));
      if (d.emptied) change.set.fulfillments = order.fulfillments.map((f) => (f.id === d.fulfillmentId ? { ...f, status: 'cancelled' as const } : f));
      if (isClosed) break;
      change.send.push({
        type: 'stock.short-pick.v1',
        data: {
          orderId: order.checkKeys.stock,
          locationId: d.locationId,
          lines: d.lines,
          shipTo: { country: order.shippingAddress.country, postalCode: order.shippingAddress.postalCode },
          // A location with a fulfillment of this order cannot take more of it (one fulfillment per location).
          excludeLocationIds: [...new Set(order.fulfillments.map((f) => f.locationId))],
        },
      });
      break;
    }
    case 'stock.reallocated.v1': {
      const added = d.lines as AllocatedLine[];
      const unfilled = d.unfilled as Array<{ sku: string; missing: number }>;
      const detail = [d.reason, added.length ? `now also at ${[...new Set(added.map((l) => l.locationId))].join(', ')}` : '', unfilled.length ? `not found: ${unfilled.map((u) => `${u.missing} × ${u.sku}`).join(', ')}` : '']
        .filter(Boolean)
        .join('; ');
      change.timeline.push(entry(msg, 'stock_reallocated', detail));
      const corrected = d.corrected as Array<{ sku: string; locationId: string; missing: number }>;
      const reduced = order.allocation.map((a) => {
        const c = corrected.find((x) => x.sku === a.sku && x.locationId === a.locationId);
        return c ? { ...a, quantity: a.quantity - c.missing } : a;
      });
      change.set.allocation = [...reduced.filter((a) => a.quantity > 0), ...added];
      if (isClosed) break;
      if (added.length > 0) {
        // Registered before they are opened, so the order is not taken as packed while they are on their way.
        const pending = [...new Set(added.map((l) => l.locationId))].map((locationId) => ({ id: pendingFulfillment(locationId), locationId, status: 'open' as const }));
        change.set.fulfillments = [...(change.set.fulfillments ?? order.fulfillments), ...pending];
        change.send.push({ type: 'fulfillment.open.v1', data: { orderId: order.id, lines: added, shippingAddress: order.shippingAddress, shippingMethod: order.shipping.method } });
      }
      if (unfilled.length > 0) {
        const hold = `short pick: ${unfilled.map((u) => `${u.missing} × ${u.sku}`).join(', ')} missing and not available at another location`;
        change.set.holds = [...order.holds, { reason: 'stock_short', detail: hold, at: msg.occurredAt }];
        moveTo(order, change, 'on_hold', msg, 'stock_short');
      }
      break;
    }
    case 'fulfillment.cancelled.v1':
      change.timeline.push(entry(msg, 'fulfillment_cancelled', (d.fulfillmentIds as string[]).join(', ')));
      change.set.fulfillments = order.fulfillments.map((f) => ((d.fulfillmentIds as string[]).includes(f.id) ? { ...f, status: 'cancelled' as const } : f));
      break;
    case 'fulfillment.packed.v1': {
      change.timeline.push(entry(msg, 'fulfillment_packed', `fulfillment ${d.fulfillmentId} packed at ${d.locationId}`, { actor: d.actor }));
      const known = order.fulfillments.some((f) => f.id === d.fulfillmentId);
      const fulfillments = known
        ? order.fulfillments.map((f) => (f.id === d.fulfillmentId ? { ...f, status: 'packed' as const } : f))
        : [...order.fulfillments, { id: d.fulfillmentId, locationId: d.locationId, status: 'packed' as const }];
      change.set.fulfillments = fulfillments;
      change.send.push({
        type: 'shipment.book.v1',
        data: { orderId: order.id, fulfillmentId: d.fulfillmentId, locationId: d.locationId, shippingAddress: order.shippingAddress, shippingMethod: order.shipping.method, lines: d.lines },
      });
      if (fulfillments.every((f) => f.status !== 'open') && moveTo(order, change, 'packed', msg)) {
        change.send.push({ type: 'stock.consume.v1', data: { orderId: order.checkKeys.stock } });
      }
      break;
    }
    case 'stock.consumed.v1':
      change.timeline.push(entry(msg, 'stock_picked', 'packed goods left the stock'));
      checks({ stock: 'consumed' });
      break;
    case 'shipment.booked.v1':
      if (order.shipments.some((s) => s.id === d.shipmentId)) break;
      change.timeline.push(entry(msg, 'shipment_booked', `${d.carrierId} tracking ${d.trackingNumber}`));
      change.set.shipments = [...order.shipments, { id: d.shipmentId, trackingNumber: d.trackingNumber, status: 'booked' }];
      moveTo(order, change, 'shipped', msg);
      break;
    case 'shipment.tracking-updated.v1': {
      change.timeline.push(entry(msg, `tracking_${d.status}`, [d.trackingNumber, d.location].filter(Boolean).join(' at ')));
      change.set.shipments = order.shipments.map((s) => (s.id === d.shipmentId ? { ...s, status: d.status } : s));
      if (d.status === 'in_transit' || d.status === 'out_for_delivery') moveTo(order, change, 'in_transit', msg);
      if (d.status === 'delivered' && moveTo(order, change, 'delivered', msg)) {
        change.send.push({
          type: 'order.delivered.v1',
          data: { orderId: order.id, channel: order.channel, currency: order.currency, lines: order.lines.map(({ sku, quantity, unitPrice }) => ({ sku, quantity, unitPrice })) },
        });
      }
      if (d.status === 'returned_to_sender') moveTo(order, change, 'returned', msg, 'returned to sender');
      break;
    }
    case 'return.opened.v1':
      change.timeline.push(entry(msg, 'return_opened', `return ${d.returnId}: ${(d.lines as any[]).map((l) => `${l.quantity} × ${l.sku} (${l.reason})`).join(', ')}`));
      change.set.returns = [...order.returns.filter((r) => r.id !== d.returnId), { id: d.returnId, status: 'requested' }];
      break;
    case 'return.received.v1': {
      if (order.returns.some((r) => r.id === d.returnId && r.status !== 'requested')) break;
      change.timeline.push(entry(msg, 'return_received', `return ${d.returnId} received at ${d.locationId}`));
      change.set.returns = [...order.returns.filter((r) => r.id !== d.returnId), { id: d.returnId, status: 'received' }];
      moveTo(order, change, 'returned', msg, 'returned by the customer');
      change.send.push({ type: 'stock.restock.v1', data: { orderId: order.id, returnId: d.returnId, locationId: d.locationId, lines: d.lines } });
      if (d.refundAmount > 0) change.send.push({ type: 'payment.refund.v1', data: { orderId: order.checkKeys.payment, returnId: d.returnId, amount: d.refundAmount, currency: d.currency } });
      break;
    }
    case 'stock.restocked.v1': {
      const restocked = (d.restocked as any[]).map((l) => `${l.quantity} × ${l.sku}`).join(', ') || 'nothing';
      const writtenOff = (d.writtenOff as any[]).map((l) => `${l.quantity} × ${l.sku}`).join(', ') || 'nothing';
      change.timeline.push(entry(msg, 'return_restocked', `restocked ${restocked}; written off ${writtenOff}`));
      break;
    }
    case 'payment.refunded.v1':
      change.timeline.push(entry(msg, 'refunded', `refund of ${money(d.amount, d.currency)} for return ${d.returnId} (${d.providerRef})`));
      checks({ payment: 'refunded' });
      change.set.returns = order.returns.map((r) => (r.id === d.returnId ? { ...r, status: 'refunded' as const } : r));
      break;
    default:
      throw new Error(`the order process has no rule for ${msg.type}`);
  }
  return change;
}

/** Reports about a reservation or payment check, keyed by the check key (see check-keys.ts). */
const STOCK_CHECK_EVENTS = ['stock.reserved.v1', 'stock.short.v1', 'stock.backordered.v1', 'stock.reallocated.v1', 'stock.released.v1', 'stock.consumed.v1'];

/** The placeholder of a fulfillment asked for but not opened yet (replaced by fulfillment.opened.v1). */
const pendingFulfillment = (locationId: string) => `pending:${locationId}`;
const PAYMENT_CHECK_EVENTS = ['payment.approved.v1', 'payment.declined.v1', 'payment.voided.v1'];

/** A report about a reservation or payment check the order has since replaced (its lines or amount changed). */
function isSuperseded(order: OrderState, msg: Envelope): boolean {
  const key = (msg.data as { orderId: string }).orderId;
  if (STOCK_CHECK_EVENTS.includes(msg.type)) return key !== order.checkKeys.stock;
  if (PAYMENT_CHECK_EVENTS.includes(msg.type)) return key !== order.checkKeys.payment;
  return false;
}

/**
 * The old check answered after the order changed. It no longer decides anything; what it still holds is
 * given back (a reservation made after its release was asked for, an authorization approved after its void).
 */
function onSupersededCheck(order: OrderState, msg: Envelope): OrderChange {
  const change = noChange();
  const key = (msg.data as { orderId: string }).orderId;
  const note = (type: string, detail: string) => change.timeline.push(entry(msg, type, `${detail} (superseded check ${key})`));
  switch (msg.type) {
    case 'stock.reserved.v1':
      note('stock_reserved', 'a reservation for the lines before the change: released again');
      change.send.push({ type: 'stock.release.v1', data: { orderId: key } });
      break;
    case 'payment.approved.v1':
      note('payment_approved', 'an authorization for the amount before the change: voided again');
      change.send.push({ type: 'payment.void.v1', data: { orderId: key } });
      break;
    case 'stock.released.v1':
      note('stock_released', 'the reservation for the lines before the change was released');
      break;
    case 'payment.voided.v1':
      note('payment_voided', 'the authorization for the amount before the change was voided');
      break;
    default:
      note(msg.type.replace(/\.v\d+$/, '').replace(/[.-]/g, '_'), 'ignored');
  }
  return change;
}
