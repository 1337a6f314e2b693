import type { Fact, HoldReason, OrderLine } from '@oms/contracts';
import { Refusal } from '@oms/errors';
import { nextCheckKey } from './check-keys';
import { amountMismatch, expectedAmount, noChange, type Hold, type OrderChange, type OrderState } from './order';
import { entry, moveTo, paymentCheckCommand, releaseWhenReady, reserveCommand } from './order-steps';
import { AMENDABLE } from './order-status';

/**
 * Changing an order before fulfillment, and releasing its holds. Pure: the caller stores the change.
 *
 * What a change re-runs:
 * - shipping address: recorded; no check depends on it yet (address validation comes later), and the
 *   fulfillment, opened only later, is sent the new one.
 * - lines: the reservation is released and a new one asked for under a new key (check-keys.ts), the
 *   allocation is forgotten; a stock_short hold is lifted (the new reservation decides again).
 * - payment amount: the authorization is voided and a new check asked for under a new key.
 * - lines or amount: payment must again equal the amount due (orderTotals), or the order is held with
 *   amount_mismatch and no check starts until it does.
 */

/** Holds that the checks re-run by a change of lines or amount decide afresh. */
const REEVALUATED: readonly HoldReason[] = ['amount_mismatch', 'stock_short'];

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const describeLines = (lines: OrderLine[]) => lines.map((l) => `${l.quantity} × ${l.sku} at ${l.unitPrice}`).join(', ');

export function amendOrder(order: OrderState, fact: Fact<'order.amend.v1'>): OrderChange {
  const { shippingAddress, lines, paymentAmount, actor } = fact.data;
  if (!AMENDABLE.includes(order.status))
    throw new Refusal('conflict', `An order that is ${order.status} can no longer be changed; only ${AMENDABLE.join(', ')} orders can`, undefined, {
      orderStatus: order.status,
    });

  const addressChanged = shippingAddress !== undefined && !sameJson(shippingAddress, order.shippingAddress);
  const linesChanged = lines !== undefined && !sameJson(lines, order.lines);
  const amountChanged = paymentAmount !== undefined && paymentAmount !== order.payment.amount;
  const change = noChange();
  if (!addressChanged && !linesChanged && !amountChanged) return change; // a repeat of a change already made

  const what: string[] = [];
  if (addressChanged)
    what.push(`shipping address → ${shippingAddress.line1}, ${shippingAddress.postalCode} ${shippingAddress.city}, ${shippingAddress.country}`);
  if (linesChanged) what.push(`lines ${describeLines(order.lines)} → ${describeLines(lines)}`);
  if (amountChanged) what.push(`payment amount ${order.payment.amount} → ${paymentAmount}`);
  change.timeline.push(entry(fact, 'order_amended', what.join('; '), { actor }));

  if (addressChanged) {
    change.set.shippingAddress = shippingAddress;
    change.timeline.push(
      entry(
        fact,
        'address_checks',
        'the stock reservation keeps the locations chosen for the old address, and no other check depends on the address yet: nothing to re-run',
        { service: 'ingestion' },
      ),
    );
  }
  if (!linesChanged && !amountChanged) return change;

  const amended = {
    ...order,
    shippingAddress: change.set.shippingAddress ?? order.shippingAddress,
    lines: lines ?? order.lines,
    payment: { ...order.payment, amount: paymentAmount ?? order.payment.amount },
  };
  if (linesChanged) change.set.lines = amended.lines;
  if (amountChanged) change.set.payment = amended.payment;

  const checks = { ...order.checks };
  const checkKeys = { ...order.checkKeys };
  // A check under way for the old content is given back, and the next one gets a new key.
  if (linesChanged && ['pending', 'reserved', 'short'].includes(checks.stock)) {
    change.send.push({ type: 'stock.release.v1', data: { orderId: checkKeys.stock } });
    checkKeys.stock = nextCheckKey(checkKeys.stock);
    checks.stock = 'none';
    change.set.allocation = [];
  }
  if (amountChanged && ['pending', 'review', 'approved'].includes(checks.payment)) {
    change.send.push({ type: 'payment.void.v1', data: { orderId: checkKeys.payment } });
    checkKeys.payment = nextCheckKey(checkKeys.payment);
    checks.payment = 'none';
  }
  change.set.checkKeys = checkKeys;

  // A new payment check screens the order again: its review hold, if any, is decided afresh.
  const reevaluated = checks.payment === 'none' ? [...REEVALUATED, 'payment_review'] : REEVALUATED;
  const holds: Hold[] = order.holds.filter((h) => !reevaluated.includes(h.reason));
  if (amended.payment.amount !== expectedAmount(amended)) {
    const detail = amountMismatch(amended, amended.payment.amount);
    change.set.holds = [...holds, { reason: 'amount_mismatch', detail, at: fact.occurredAt }];
    change.set.checks = checks;
    moveTo(order, change, 'on_hold', fact, 'amount_mismatch');
    return change;
  }
  change.set.holds = holds;
  startChecks(amended, checks, checkKeys, change);
  change.set.checks = checks;
  if (holds.length === 0) moveTo(order, change, 'pending', fact, 'order changed');
  releaseWhenReady(order, change, fact);
  return change;
}

/** Ask for the checks that are not under way for the order as it is now (`none`), under their current keys. */
function startChecks(order: OrderState, checks: OrderState['checks'], keys: OrderState['checkKeys'], change: OrderChange): void {
  if (checks.stock === 'none') {
    change.send.push(reserveCommand(keys.stock, order));
    checks.stock = 'pending';
  }
  if (checks.payment === 'none') {
    change.send.push(paymentCheckCommand(keys.payment, order));
    checks.payment = 'pending';
  }
}

/**
 * Ops lifts a hold. With no hold left the order goes back to pending, and the checks the hold stopped run:
 * a short reservation is retried under a new key; checks never started (amount_mismatch overridden by ops)
 * start with the order's amount as it is.
 */
export function releaseHold(order: OrderState, fact: Fact<'order.release-hold.v1'>): OrderChange {
  const { reason, note, actor } = fact.data;
  const hold = order.holds.find((h) => h.reason === reason);
  if (!hold)
    throw new Refusal(
      'conflict',
      `The order has no ${reason} hold${order.holds.length ? ` (holds: ${order.holds.map((h) => h.reason).join(', ')})` : ''}`,
      undefined,
      {
        orderStatus: order.status,
      },
    );
  const change = noChange();
  const holds = order.holds.filter((h) => h.reason !== reason);
  change.set.holds = holds;
  change.timeline.push(entry(fact, 'hold_released', [reason, note].filter(Boolean).join(': '), { actor }));
  // Releasing a fraud review approves the payment: payment-check reports it approved, and the order goes on.
  if (reason === 'payment_review' && order.checks.payment === 'review')
    change.send.push({ type: 'payment.decide-review.v1', data: { orderId: order.checkKeys.payment, decision: 'approve', actor, ...(note ? { note } : {}) } });
  if (holds.length > 0 || order.status !== 'on_hold') return change;

  const checks = { ...order.checks };
  const checkKeys = { ...order.checkKeys };
  if (checks.stock === 'short') {
    checkKeys.stock = nextCheckKey(checkKeys.stock);
    checks.stock = 'none';
  }
  moveTo(order, change, 'pending', fact, `${reason} released`);
  startChecks(order, checks, checkKeys, change);
  change.set.checks = checks;
  change.set.checkKeys = checkKeys;
  releaseWhenReady(order, change, fact);
  return change;
}
