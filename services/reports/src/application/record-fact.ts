import type { Message } from '@oms/messaging';
import { cancellationFact, handOverFact, orderFact, orderFactId, parcelFact, returnFact, type Fact } from '../domain/facts';
import { isClosed } from '../domain/periods';
import type { ReportsDeps } from './reports-deps';

/**
 * Store a fact once. A fact of a day that is already closed (it came late: a consumer catching up, a
 * redelivery after a long outage) makes that day's rollups stale: they are dropped, and the next report
 * computes them again. That is done on a duplicate too: the first attempt may have stored the fact and
 * failed before dropping them.
 */
export async function recordFact(deps: ReportsDeps, fact: Fact): Promise<void> {
  await deps.facts.insert(fact);
  if (isClosed(fact.day, deps.now(), deps.rollupAfterHours)) await deps.rollups.deleteDay(fact.day);
}

export const recordOrder = (deps: ReportsDeps, msg: Message<'order.received.v1'>) =>
  recordFact(deps, orderFact(msg.data.orderId, msg.data.order, msg.data.receivedAt));

/** Only cancellations count: the other status changes are not reported. */
export async function recordStatusChange(deps: ReportsDeps, msg: Message<'order.status-changed.v1'>): Promise<void> {
  if (msg.data.to === 'cancelled') await recordFact(deps, cancellationFact(msg.data, msg.occurredAt));
}

/** A parcel carries its order's money (read by the order fact's `_id`), counted once per order and carrier. */
export async function recordParcel(deps: ReportsDeps, msg: Message<'shipment.booked.v1'>): Promise<void> {
  const order = await deps.facts.order(orderFactId(msg.data.orderId));
  await recordFact(deps, parcelFact(msg.data, msg.occurredAt, order));
}

/** The hand-over's order-to-ship time runs from the order's receipt (its fact, read by `_id`). */
export async function recordHandOver(deps: ReportsDeps, msg: Message<'fulfillment.handed-over.v1'>): Promise<void> {
  const order = await deps.facts.order(orderFactId(msg.data.orderId));
  await recordFact(deps, handOverFact(msg.data, msg.occurredAt, order?.receivedAt));
}

export const recordReturn = (deps: ReportsDeps, msg: Message<'return.opened.v1'>) => recordFact(deps, returnFact(msg.data, msg.occurredAt));
