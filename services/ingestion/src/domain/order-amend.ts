import type { Fact, HoldReason, OrderLine, ShippingCoverage } from '@oms/contracts';
import { Refusal } from '@oms/errors';
import { nextCheckKey } from './check-keys';
import { amountMismatch, expectedAmount, noChange, type Hold, type OrderChange, type OrderState } from './order';
import { addressChecked } from './address-hold';
import { entry, moveTo, paymentCheckCommand, releaseWhenReady, reserveCommand, resume } from './order-steps';
import { AMENDABLE } from './order-status';

/**
 * Changing an order before fulfillment, and releasing its holds. Pure: the caller stores the change.
 *
 * What a change re-runs:
 * - shipping address: checked again (address-check.ts): an address_invalid hold is lifted or renewed; the
 *   stock reservation keeps the locations it chose, and the fulfillment, opened only later, is sent the new one.
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

export function amendOrder(order: OrderState, fact: Fact<'order.amend.v1'>, coverage: ShippingCoverage): OrderChange {
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

  // The new address is checked again: its address_invalid hold is lifted, or renewed with the new reasons.
  let held = order.holds;
  if (addressChanged) {
    change.set.shippingAddress = shippingAddress;
    const address = addressChecked({ ...order, shippingAddress }, coverage, fact);
    change.timeline.push(address.timeline);
    held = address.holds;
  }
  if (!linesChanged && !amountChanged) {
    change.set.holds = held;
    settle(order, change, fact);
    return change;
  }

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
  const holds: Hold[] = held.filter((h) => !reevaluated.includes(h.reason));
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
  settle(order, change, fact);
  return change;
}

/** After a change: held while a hold is left, else on its way again (pending or waiting for its transfer, or to the warehouse). */
function settle(order: OrderState, change: OrderChange, fact: Fact<'order.amend.v1'>): void {
  const holds = change.set.holds ?? order.holds;
  if (holds.length > 0) moveTo(order, change, 'on_hold', fact, holds.map((h) => h.reason).join(', '));
  else if ((change.set.status ?? order.status) === 'on_hold') resume(order, change, fact, 'order changed');
  else releaseWhenReady(order, change, fact);
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
  startChecks(order, checks, checkKeys, change);
  change.set.checks = checks;
  change.set.checkKeys = checkKeys;
  resume(order, change, fact, `${reason} released`);
  return change;
}
