import type { Fact, MessageData, OrderLine, ShortLineOptions } from '@oms/contracts';
import { Refusal, type FieldError } from '@oms/errors';
import { nextCheckKey } from './check-keys';
import { expectedAmount, noChange, type OrderChange, type OrderState } from './order';
import { cancelAndGiveBack } from './cancel-order';
import { entry, listUnits, money, moveTo, reserveCommand } from './order-steps';

type Decision = MessageData<'order.decide.v1'>['decisions'][number];

const describe = (d: Decision) =>
  d.choice === 'substitute' ? `${d.sku}: substitute ${d.substituteSku}` : d.choice === 'wait' ? `${d.sku}: wait for stock` : `${d.sku}: cancel the line`;

/**
 * The customer's choice for each short line of an order on hold for short stock: take a substitute (same
 * quantity, at the price agreed for the line), wait for incoming stock (the order is backordered and
 * served first in, first out), or drop the line (the amount to capture drops with it; every line dropped
 * cancels the order). The stock check then runs again for the lines as decided.
 */
export function decideOnShortage(order: OrderState, fact: Fact<'order.decide.v1'>): OrderChange {
  if (order.status === 'on_hold' && order.holds.some((h) => h.reason === 'customer_decision')) return decideAfterShortPick(order, fact);
  const { decisions, actor } = fact.data;
  const hold = order.holds.find((h) => h.reason === 'stock_short');
  if (order.status !== 'on_hold' || !hold || order.checks.stock !== 'short')
    throw new Refusal('conflict', 'The order is not waiting for a decision on short stock', undefined, { orderStatus: order.status });

  const bySku = checkDecisions(decisions, hold.options ?? []);

  const change = noChange();
  change.timeline.push(entry(fact, 'customer_decision', decisions.map(describe).join('; '), { actor }));
  const lines: OrderLine[] = order.lines.flatMap((line) => {
    const d = bySku.get(line.sku);
    if (d?.choice === 'cancel_line') return [];
    return [d?.choice === 'substitute' ? { ...line, sku: d.substituteSku!, name: `${d.substituteSku} (substitute for ${line.sku})` } : line];
  });

  // The short reservation is given back either way (it holds nothing) and the next one gets a new key.
  change.send.push({ type: 'stock.release.v1', data: { orderId: order.checkKeys.stock } });
  if (lines.length === 0) {
    moveTo(order, change, 'cancelled', fact, 'the customer cancelled every short line');
    change.send.push({ type: 'payment.void.v1', data: { orderId: order.checkKeys.payment } });
    change.set.checks = { ...order.checks, stock: 'released' };
    return change;
  }

  const amended = { ...order, lines };
  change.set.lines = lines;
  const amount = expectedAmount(amended);
  if (amount !== order.payment.amount) {
    // Less to capture than was authorized: the authorization covers it, no new payment check is needed.
    change.set.payment = { ...order.payment, amount };
    change.timeline.push(
      entry(fact, 'payment_adjusted', `amount to capture ${order.payment.amount} → ${amount} ${order.currency} (cancelled lines)`, { actor }),
    );
  }
  const checkKeys = { ...order.checkKeys, stock: nextCheckKey(order.checkKeys.stock) };
  const checks = { ...order.checks, stock: 'pending' as const };
  change.set.checkKeys = checkKeys;
  change.set.checks = checks;
  const holds = order.holds.filter((h) => h.reason !== 'stock_short');
  change.set.holds = holds;
  change.send.push(reserveCommand(checkKeys.stock, amended, { backorder: decisions.some((d) => d.choice === 'wait') }));
  if (holds.length === 0) moveTo(order, change, 'pending', fact, 'the customer decided on the short lines');
  return change;
}

/** The decisions fit the short lines of the hold: each once, a substitute among those offered. */
function checkDecisions(decisions: Decision[], options: ShortLineOptions[]): Map<string, Decision> {
  const errors: FieldError[] = [];
  const bySku = new Map<string, Decision>();
  decisions.forEach((d, i) => {
    const option = options.find((o) => o.sku === d.sku);
    if (!option) errors.push({ path: `decisions.${i}.sku`, message: `${d.sku} is not a short line of this order` });
    else if (bySku.has(d.sku)) errors.push({ path: `decisions.${i}.sku`, message: `${d.sku} is decided twice` });
    if (d.choice === 'substitute' && !option?.substitutes.some((s) => s.sku === d.substituteSku))
      errors.push({
        path: `decisions.${i}.substituteSku`,
        message: `must be one of the substitutes offered for ${d.sku}: ${option?.substitutes.map((s) => s.sku).join(', ') || 'none'}`,
      });
    if (d.choice !== 'substitute' && d.substituteSku !== undefined)
      errors.push({ path: `decisions.${i}.substituteSku`, message: 'only a substitute names a substitute SKU' });
    bySku.set(d.sku, d);
  });
  for (const option of options) if (!bySku.has(option.sku)) errors.push({ path: 'decisions', message: `no decision for the short line ${option.sku}` });
  if (errors.length > 0) throw new Refusal('invalid', 'The decisions do not fit the short lines', errors);
  return bySku;
}

/**
 * The customer's choice after a short pick found no units anywhere (the `customer_decision` hold): the rest
 * of the order is in the warehouse already. Dropping a line takes its missing units off the order and
 * lowers what is captured at shipment (the partial refund of an authorized payment); a substitute is added
 * to the order at the line's price and reserved (stock.supplement.v1), then picked where it is found. Every
 * unit of the order dropped cancels it. Waiting keeps the line: its missing units are backordered
 * (stock.supplement.v1 with `backorder`) and the order waits whole, on a `stock_short` hold naming them,
 * until inventory adds them (stock.reallocated.v1) and the warehouse picks them.
 */
function decideAfterShortPick(order: OrderState, fact: Fact<'order.decide.v1'>): OrderChange {
  const { decisions, actor } = fact.data;
  const hold = order.holds.find((h) => h.reason === 'customer_decision')!;
  const bySku = checkDecisions(decisions, hold.options ?? []);
  const missingOf = (sku: string) => hold.missing?.find((m) => m.sku === sku)?.missing ?? 0;

  const change = noChange();
  change.timeline.push(entry(fact, 'customer_decision', decisions.map(describe).join('; '), { actor }));
  const substitutes: Array<{ sku: string; quantity: number }> = [];
  const waits: Array<{ sku: string; missing: number }> = [];
  const lines: OrderLine[] = order.lines.flatMap((line) => {
    const d = bySku.get(line.sku);
    const missing = Math.min(missingOf(line.sku), line.quantity);
    if (!d || missing === 0) return [line];
    if (d.choice === 'wait') {
      waits.push({ sku: line.sku, missing });
      return [line];
    }
    const kept = line.quantity > missing ? [{ ...line, quantity: line.quantity - missing }] : [];
    if (d.choice !== 'substitute') return kept;
    substitutes.push({ sku: d.substituteSku!, quantity: missing });
    return [...kept, { ...line, sku: d.substituteSku!, quantity: missing, name: `${d.substituteSku} (substitute for ${line.sku})` }];
  });
  const holds = order.holds.filter((h) => h.reason !== 'customer_decision');
  if (waits.length > 0)
    holds.push({ reason: 'stock_short', detail: `waiting for ${listUnits(waits)} (backordered after a short pick)`, at: fact.occurredAt, missing: waits });
  change.set.holds = holds;
  if (lines.length === 0) {
    cancelAndGiveBack(order, change, fact, 'the customer cancelled every line after a short pick');
    return change;
  }
  change.set.lines = lines;
  const amount = expectedAmount({ ...order, lines });
  if (amount !== order.payment.amount) {
    change.set.payment = { ...order.payment, amount };
    change.timeline.push(
      entry(fact, 'payment_adjusted', `amount to capture ${money(order.payment.amount, order.currency)} → ${money(amount, order.currency)} (short pick)`, {
        actor,
      }),
    );
  }
  if (substitutes.length > 0)
    change.send.push({
      type: 'stock.supplement.v1',
      data: {
        orderId: order.checkKeys.stock,
        lines: substitutes,
        shipTo: { country: order.shippingAddress.country, postalCode: order.shippingAddress.postalCode },
      },
    });
  if (waits.length > 0)
    change.send.push({
      type: 'stock.supplement.v1',
      data: {
        orderId: order.checkKeys.stock,
        lines: waits.map((w) => ({ sku: w.sku, quantity: w.missing })),
        shipTo: { country: order.shippingAddress.country, postalCode: order.shippingAddress.postalCode },
        backorder: true,
      },
    });
  if (holds.length === 0) moveTo(order, change, 'ready_to_fulfill', fact, 'the customer decided on the short pick');
  return change;
}
