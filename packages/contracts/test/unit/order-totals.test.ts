import fc from 'fast-check';
import { orderTotals, spread, type Discount, type PricedOrder } from '../../src/order-totals';

const order = (fields: Partial<PricedOrder> = {}): PricedOrder => ({
  lines: [{ quantity: 2, unitPrice: 1999 }],
  shipping: { price: 495 },
  payment: {},
  ...fields,
});

describe('order totals', () => {
  it('when an order has no discounts, taxes or gift cards, then its total is the lines plus shipping, as before', () => {
    const totals = orderTotals(order());
    expect(totals).toMatchObject({ subtotal: 3998, discount: 0, shipping: 495, shippingDiscount: 0, tax: 0, total: 4493, giftCards: 0, due: 4493 });
  });

  it('when taxes are included, then the tax is taken out of the net prices and does not add to the total (Shopify: 39.98 + 4.95, 19 % MwSt)', () => {
    const totals = orderTotals(
      order({
        taxesIncluded: true,
        lines: [{ quantity: 2, unitPrice: 1999, taxes: [{ title: 'MwSt', rate: 0.19 }] }],
        shipping: { price: 495, taxes: [{ title: 'MwSt', rate: 0.19 }] },
      }),
    );
    // 3998 × 0.19 / 1.19 = 638.3 → 638; 495 × 0.19 / 1.19 = 79.03 → 79
    expect(totals).toMatchObject({ tax: 717, total: 4493, lines: [{ gross: 3998, discount: 0, net: 3998, tax: 638 }] });
  });

  it('when taxes are excluded, then they add to the total, rounded half up per tax', () => {
    const totals = orderTotals(order({ lines: [{ quantity: 1, unitPrice: 1050, taxes: [{ title: 'VAT', rate: 0.19 }] }], shipping: { price: 0 } }));
    // 1050 × 0.19 = 199.5 exactly (floats say 199.49999…): half up is 200
    expect(totals).toMatchObject({ tax: 200, total: 1250 });
  });

  it('when the channel gives a tax amount, then it is taken as given, not computed from the rate', () => {
    const totals = orderTotals(order({ lines: [{ quantity: 1, unitPrice: 1000, taxes: [{ title: 'VAT', rate: 0.2, amount: 199 }] }], shipping: { price: 0 } }));
    expect(totals).toMatchObject({ tax: 199, total: 1199 });
  });

  it('when line, order and shipping discounts apply, then the order discount is spread over the lines by their price after their own discount', () => {
    const totals = orderTotals(
      order({
        lines: [
          { quantity: 1, unitPrice: 3000, discounts: [{ amount: 1000, code: 'LINE10' }] },
          { quantity: 1, unitPrice: 6000 },
        ],
        discounts: [{ percentage: 10, code: 'ALL10' }],
        shipping: { price: 495, discounts: [{ percentage: 100, code: 'FREESHIP' }] },
      }),
    );
    // after own discounts 2000 and 6000; 10 % of 8000 = 800, spread 200 and 600
    expect(totals.lines).toEqual([
      { gross: 3000, discount: 1200, net: 1800, tax: 0 },
      { gross: 6000, discount: 600, net: 5400, tax: 0 },
    ]);
    expect(totals).toMatchObject({ subtotal: 9000, discount: 1800, shippingDiscount: 495, total: 7200 });
  });

  it('when a discount is larger than what it applies to, then it takes only that: a total is never negative', () => {
    const totals = orderTotals(order({ lines: [{ quantity: 1, unitPrice: 500, discounts: [{ amount: 800 }] }], discounts: [{ amount: 100 }] }));
    expect(totals).toMatchObject({ discount: 500, total: 495 });
  });

  it('when gift cards pay part of the order, then the payment method is due the rest', () => {
    const totals = orderTotals(order({ payment: { giftCards: [{ amount: 1000 }, { amount: 500 }] } }));
    expect(totals).toMatchObject({ total: 4493, giftCards: 1500, due: 2993 });
  });

  it('when an amount is spread, then the parts add up to it and the remainder goes to the largest fractions', () => {
    expect(spread(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(spread(10, [0, 0])).toEqual([0, 0]);
    expect(spread(7, [2, 0, 5])).toEqual([2, 0, 5]);
  });
});

describe('order totals, for any order', () => {
  const discount: fc.Arbitrary<Discount> = fc.oneof(
    fc.record({ amount: fc.integer({ min: 0, max: 50_000 }) }),
    fc.record({ percentage: fc.integer({ min: 1, max: 10_000 }).map((p) => p / 100) }),
  );
  const tax = fc.record({ title: fc.constant('VAT'), rate: fc.integer({ min: 0, max: 2_700 }).map((r) => r / 10_000) });
  const anyOrder: fc.Arbitrary<PricedOrder> = fc.record({
    lines: fc.array(
      fc.record({
        quantity: fc.integer({ min: 1, max: 100 }),
        unitPrice: fc.integer({ min: 0, max: 1_000_000 }),
        discounts: fc.array(discount, { maxLength: 3 }),
        taxes: fc.array(tax, { maxLength: 2 }),
      }),
      { minLength: 1, maxLength: 8 },
    ),
    discounts: fc.array(discount, { maxLength: 3 }),
    taxesIncluded: fc.boolean(),
    shipping: fc.record({ price: fc.integer({ min: 0, max: 5_000 }), discounts: fc.array(discount, { maxLength: 2 }), taxes: fc.array(tax, { maxLength: 1 }) }),
    payment: fc.record({ giftCards: fc.array(fc.record({ amount: fc.integer({ min: 0, max: 100_000 }) }), { maxLength: 2 }) }),
  });

  it('then every figure is a whole, non-negative number of minor units and the totals add up', () => {
    fc.assert(
      fc.property(anyOrder, (o) => {
        const t = orderTotals(o);
        const figures = [
          t.subtotal,
          t.discount,
          t.shipping,
          t.shippingDiscount,
          t.tax,
          t.total,
          t.giftCards,
          t.due,
          ...t.lines.flatMap((l) => [l.gross, l.discount, l.net, l.tax]),
        ];
        for (const f of figures) expect(Number.isSafeInteger(f) && f >= 0).toBe(true);
        const lineNet = t.lines.reduce((sum, l) => sum + l.net, 0);
        expect(t.subtotal - t.discount).toBe(lineNet);
        expect(t.total).toBe(lineNet + t.shipping - t.shippingDiscount + (t.taxesIncluded ? 0 : t.tax));
        expect(t.due).toBe(Math.max(0, t.total - t.giftCards));
        for (const l of t.lines) expect(l.net).toBe(l.gross - l.discount);
        // A discount never takes more than the price; included taxes are never more than the price that holds them.
        expect(t.discount).toBeLessThanOrEqual(t.subtotal);
        expect(t.shippingDiscount).toBeLessThanOrEqual(t.shipping);
        if (t.taxesIncluded) for (const l of t.lines) expect(l.tax).toBeLessThanOrEqual(l.net * 2);
      }),
      { numRuns: 500 },
    );
  });

  it('then an order discount is spread over the lines to the minor unit', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 1, maxLength: 20 }),
        (amount, weights) => {
          const sum = weights.reduce((a, b) => a + b, 0);
          const parts = spread(Math.min(amount, sum), weights);
          expect(parts.reduce((a, b) => a + b, 0)).toBe(sum === 0 ? 0 : Math.min(amount, sum));
          parts.forEach((p, i) => expect(p).toBeLessThanOrEqual(weights[i]));
        },
      ),
    );
  });
});
