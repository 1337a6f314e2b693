import type { Fact } from '@oms/contracts';
import type { AllocatedLine, OrderChange, OrderState } from '../order';
import { entry, isClosed, listUnits, moveTo, pendingFulfillment, putHold, releaseWhenReady, sinceIntake } from '../order-steps';
import { checks, type Reaction } from './reaction';

/** What inventory reports about the order's reservation (under its current stock check key). */

export const stockReserved: Reaction<'stock.reserved.v1'> = (order, fact, change) => {
  const where = [...new Set(fact.data.lines.map((l) => l.locationId))].join(', ');
  if (order.checks.stock === 'released' || order.checks.stock === 'consumed') {
    // A late copy: inventory ended this reservation after announcing it (the events were handled out of
    // order, one after a retry). The check stays ended; a closed order asks once more, which changes nothing.
    change.timeline.push(entry(fact, 'stock_reserved', `reserved at ${where}, reported after the reservation was ${order.checks.stock}`));
    if (isClosed(order)) change.send.push({ type: 'stock.release.v1', data: { orderId: order.checkKeys.stock } });
    return;
  }
  const took = sinceIntake(order, fact);
  change.timeline.push(
    entry(fact, 'stock_reserved', fact.data.reason ? `reserved at ${where}; ${fact.data.reason}; ${took}` : `reserved at ${where}; ${took}`),
  );
  checks(order, change, { stock: 'reserved' });
  change.set.allocation = fact.data.lines;
  if (isClosed(order)) {
    // Cancelled or rejected while the reservation was under way: give the stock back.
    change.send.push({ type: 'stock.release.v1', data: { orderId: order.checkKeys.stock } });
    return;
  }
  // A backorder served: its stock_short hold is over; with no other hold the order goes on.
  if (order.status === 'on_hold' && order.holds.some((h) => h.reason === 'stock_short')) {
    const holds = order.holds.filter((h) => h.reason !== 'stock_short');
    change.set.holds = holds;
    if (holds.length > 0) return;
    moveTo(order, change, 'pending', fact, 'stock arrived for the backorder');
  }
  releaseWhenReady(order, change, fact);
};

const shortDetail = (lines: Fact<'stock.short.v1'>['data']['lines']) =>
  lines.map((l) => `${l.sku}: requested ${l.requested}, available ${l.available}`).join('; ');

export const stockBackordered: Reaction<'stock.backordered.v1'> = (order, fact, change) => {
  const detail = `backordered, waiting for stock (served first in, first out): ${shortDetail(fact.data.lines)}`;
  change.timeline.push(entry(fact, 'stock_backordered', detail));
  checks(order, change, { stock: 'backordered' });
  if (isClosed(order)) return;
  putHold(order, change, { reason: 'stock_short', detail, at: fact.occurredAt });
  moveTo(order, change, 'on_hold', fact, 'stock_short');
};

export const stockShort: Reaction<'stock.short.v1'> = (order, fact, change) => {
  const { lines, reason, options } = fact.data;
  const detail = shortDetail(lines);
  change.timeline.push(entry(fact, 'stock_short', reason ? `${detail} (${reason})` : detail));
  checks(order, change, { stock: 'short' });
  if (isClosed(order)) return;
  change.set.holds = [...order.holds, { reason: 'stock_short', detail, at: fact.occurredAt, ...(options ? { options } : {}) }];
  moveTo(order, change, 'on_hold', fact, 'stock_short');
};

/**
 * After a short pick: the missing units found at other locations get fulfillments there; the rest holds the
 * order for the customer's decision. Units the customer waits for are either backordered (`backordered`: the
 * order's stock_short hold already says so) or added now or later, which takes them off that hold.
 */
export const stockReallocated: Reaction<'stock.reallocated.v1'> = (order, fact, change) => {
  const { lines: added, unfilled, corrected, reason, options, backordered } = fact.data;
  const detail = [
    reason,
    added.length ? `now also at ${[...new Set(added.map((l) => l.locationId))].join(', ')}` : '',
    unfilled.length ? `not found: ${unfilled.map((u) => `${u.missing} × ${u.sku}`).join(', ')}` : '',
  ]
    .filter(Boolean)
    .join('; ');
  change.timeline.push(entry(fact, 'stock_reallocated', detail));
  const reduced = order.allocation.map((a) => {
    const c = corrected.find((x) => x.sku === a.sku && x.locationId === a.locationId);
    return c ? { ...a, quantity: a.quantity - c.missing } : a;
  });
  change.set.allocation = [...reduced.filter((a) => a.quantity > 0), ...added];
  if (isClosed(order)) return;
  if (added.length > 0) addWork(order, change, added);
  if (added.length > 0) awaitedUnitsArrived(order, change, fact, added);
  if (unfilled.length > 0 && !backordered) {
    const hold = `short pick: ${unfilled.map((u) => `${u.missing} × ${u.sku}`).join(', ')} missing and not available at another location: the customer decides`;
    putHold(order, change, { reason: 'customer_decision', detail: hold, at: fact.occurredAt, missing: unfilled, ...(options ? { options } : {}) });
    moveTo(order, change, 'on_hold', fact, 'customer_decision');
  }
};

/**
 * Units added that the customer waited for after a short pick come off the stock_short hold that names them
 * (`missing`); once none is missing the hold is over and, with no other, the order goes on to be fulfilled.
 */
function awaitedUnitsArrived(order: OrderState, change: OrderChange, fact: Fact<'stock.reallocated.v1'>, added: AllocatedLine[]): void {
  const holds = change.set.holds ?? order.holds;
  const hold = holds.find((h) => h.reason === 'stock_short' && h.missing);
  if (!hold) return;
  const arrived = (sku: string) => added.filter((l) => l.sku === sku).reduce((sum, l) => sum + l.quantity, 0);
  const missing = hold.missing!.map((m) => ({ sku: m.sku, missing: Math.max(0, m.missing - arrived(m.sku)) })).filter((m) => m.missing > 0);
  const others = holds.filter((h) => h !== hold);
  if (missing.length > 0) {
    change.set.holds = [...others, { ...hold, missing, detail: `waiting for ${listUnits(missing)} (backordered after a short pick)` }];
    return;
  }
  change.set.holds = others;
  if (others.length === 0) moveTo(order, change, 'ready_to_fulfill', fact, 'the units waited for arrived');
}

/**
 * Lines reserved for the order after its fulfillments were opened (missing units sourced again, a substitute):
 * a location that already has the order's fulfillment gets them added to it, any other gets a new one
 * (registered as pending before it is opened, so the order is not taken as packed meanwhile).
 */
function addWork(order: OrderState, change: OrderChange, added: AllocatedLine[]): void {
  const fulfillments = change.set.fulfillments ?? order.fulfillments;
  const hasWork = (locationId: string) => fulfillments.some((f) => f.locationId === locationId && !f.id.startsWith(pendingFulfillment('')));
  const common = { orderId: order.id, shippingAddress: order.shippingAddress, shippingMethod: order.shipping.method };
  for (const locationId of new Set(added.filter((l) => hasWork(l.locationId)).map((l) => l.locationId)))
    change.send.push({
      type: 'fulfillment.add-lines.v1',
      data: { ...common, locationId, lines: added.filter((l) => l.locationId === locationId).map(({ sku, quantity }) => ({ sku, quantity })) },
    });
  const elsewhere = added.filter((l) => !hasWork(l.locationId));
  if (elsewhere.length === 0) return;
  const pending = [...new Set(elsewhere.map((l) => l.locationId))].map((locationId) => ({
    id: pendingFulfillment(locationId),
    locationId,
    status: 'open' as const,
  }));
  change.set.fulfillments = [...fulfillments, ...pending];
  change.send.push({ type: 'fulfillment.open.v1', data: { ...common, lines: elsewhere } });
}

export const stockReleased: Reaction<'stock.released.v1'> = (order, fact, change) => {
  change.timeline.push(entry(fact, 'stock_released'));
  checks(order, change, { stock: 'released' });
};

export const stockConsumed: Reaction<'stock.consumed.v1'> = (order, fact, change) => {
  change.timeline.push(entry(fact, 'stock_picked', 'packed goods left the stock'));
  checks(order, change, { stock: 'consumed' });
};

export const stockRestocked: Reaction<'stock.restocked.v1'> = (_order, fact, change) => {
  const list = (lines: Array<{ quantity: number; sku: string }>) => lines.map((l) => `${l.quantity} × ${l.sku}`).join(', ') || 'nothing';
  change.timeline.push(entry(fact, 'return_restocked', `restocked ${list(fact.data.restocked)}; written off ${list(fact.data.writtenOff)}`));
};
