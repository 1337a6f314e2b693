/**
 * The money of an order, derived in one place from what the order carries: lines, their discounts and taxes,
 * order discounts, shipping with its discounts and taxes, gift cards. Pure, integer minor units throughout.
 *
 * - A percentage becomes an amount rounded half up to a whole minor unit (the currency's exponent is already
 *   in the unit). Amounts a channel gives (Shopify's allocations, its tax lines) are taken as given.
 * - Order discounts are spread over the lines in proportion to what each line costs after its own discounts
 *   (largest remainder, so the parts add up to the discount exactly): a line's tax is on its net price.
 * - No discount takes more than what it applies to; a total is never negative.
 * - Taxes included (as in shops for consumers in the EU) are part of the prices and do not add to the total;
 *   excluded taxes do.
 */

export interface Discount {
  /** A fixed amount in minor units, or */
  amount?: number;
  /** a percentage (10 = 10 %) of what the discount applies to. */
  percentage?: number;
  code?: string;
  reason?: string;
}

export interface Tax {
  title: string;
  /** As a fraction: 0.19 for 19 %. */
  rate: number;
  /** Given by the channel; computed from the rate when absent. */
  amount?: number;
}

export interface PricedLine {
  quantity: number;
  unitPrice: number;
  discounts?: Discount[];
  taxes?: Tax[];
}

export interface PricedOrder {
  lines: PricedLine[];
  discounts?: Discount[];
  taxesIncluded?: boolean;
  shipping: { price: number; discounts?: Discount[]; taxes?: Tax[] };
  payment: { giftCards?: Array<{ amount: number }> };
}

export interface LineTotals {
  /** quantity × unit price */
  gross: number;
  /** its own discounts plus its share of the order discounts */
  discount: number;
  net: number;
  tax: number;
}

export interface OrderTotals {
  /** Lines before any discount. */
  subtotal: number;
  /** Line and order discounts (shipping discounts are in shippingDiscount). */
  discount: number;
  /** The shipping price before its discounts. */
  shipping: number;
  shippingDiscount: number;
  /** Every tax, included or not. */
  tax: number;
  taxesIncluded: boolean;
  /** What the customer pays: subtotal − discount + shipping − shippingDiscount (+ tax when excluded). */
  total: number;
  giftCards: number;
  /** What the payment method must cover: total − gift cards (never below 0). */
  due: number;
  lines: LineTotals[];
}

/** round(value × numerator / denominator), half up, in exact integer arithmetic. */
function mulDivRound(value: number, numerator: bigint, denominator: bigint): number {
  const product = BigInt(value) * numerator;
  return Number((2n * product + denominator) / (2n * denominator));
}

/** Rates and percentages to millionths, so the arithmetic stays in integers (0.19 × 1050 is 199.49999... in floats). */
const MILLION = 1_000_000n;
const millionths = (fraction: number) => BigInt(Math.round(fraction * 1_000_000));

/** Each discount in turn, never more than is left of `base`. */
function discountsOn(base: number, discounts: Discount[] | undefined): number {
  let taken = 0;
  for (const d of discounts ?? []) {
    const wanted = d.amount ?? mulDivRound(base, millionths((d.percentage ?? 0) / 100), MILLION);
    taken += Math.min(wanted, base - taken);
  }
  return taken;
}

/** `amount` in parts proportional to `weights`, adding up exactly (largest remainder; ties to the earlier part). */
export function spread(amount: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum === 0) return weights.map(() => 0);
  const exact = weights.map((w) => (BigInt(amount) * BigInt(w)) / BigInt(sum));
  const remainders = weights.map((w, i) => ({ i, rest: BigInt(amount) * BigInt(w) - exact[i] * BigInt(sum) }));
  const parts = exact.map(Number);
  let left = amount - parts.reduce((a, b) => a + b, 0);
  remainders.sort((a, b) => (a.rest === b.rest ? a.i - b.i : a.rest > b.rest ? -1 : 1));
  for (const { i } of remainders) {
    if (left === 0) break;
    parts[i]++;
    left--;
  }
  return parts;
}

function taxOn(net: number, taxes: Tax[] | undefined, included: boolean): number {
  let total = 0;
  for (const t of taxes ?? []) {
    if (t.amount !== undefined) total += t.amount;
    else if (included) {
      // The net price holds the tax: net × rate / (1 + rate).
      const rate = millionths(t.rate);
      total += mulDivRound(net, rate, MILLION + rate);
    } else total += mulDivRound(net, millionths(t.rate), MILLION);
  }
  return total;
}

export function orderTotals(order: PricedOrder): OrderTotals {
  const included = order.taxesIncluded ?? false;
  const gross = order.lines.map((l) => l.quantity * l.unitPrice);
  const afterOwn = order.lines.map((l, i) => gross[i] - discountsOn(gross[i], l.discounts));
  const orderDiscount = discountsOn(
    afterOwn.reduce((a, b) => a + b, 0),
    order.discounts,
  );
  const shares = spread(orderDiscount, afterOwn);
  const lines = order.lines.map((l, i) => {
    const net = afterOwn[i] - shares[i];
    return { gross: gross[i], discount: gross[i] - net, net, tax: taxOn(net, l.taxes, included) };
  });
  const shippingDiscount = discountsOn(order.shipping.price, order.shipping.discounts);
  const shippingNet = order.shipping.price - shippingDiscount;
  const tax = lines.reduce((sum, l) => sum + l.tax, 0) + taxOn(shippingNet, order.shipping.taxes, included);
  const total = lines.reduce((sum, l) => sum + l.net, 0) + shippingNet + (included ? 0 : tax);
  const giftCards = (order.payment.giftCards ?? []).reduce((sum, g) => sum + g.amount, 0);
  return {
    subtotal: gross.reduce((a, b) => a + b, 0),
    discount: lines.reduce((sum, l) => sum + l.discount, 0),
    shipping: order.shipping.price,
    shippingDiscount,
    tax,
    taxesIncluded: included,
    total,
    giftCards,
    due: Math.max(0, total - giftCards),
    lines,
  };
}
