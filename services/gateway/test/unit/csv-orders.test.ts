import { canonicalOrderSchema } from '@oms/contracts';
import {
  ConsecutiveOrderRows,
  csvReason,
  headerProblems,
  orderFromRows,
  rowWithoutOrder,
  type CsvRecord,
  type CsvRow,
} from '../../src/domain/intake/csv-orders';

const HEADER = [
  'externalId',
  'channel',
  'currency',
  'customerEmail',
  'customerName',
  'shipLine1',
  'shipPostalCode',
  'shipCity',
  'shipCountry',
  'sku',
  'quantity',
  'unitPrice',
  'shippingPrice',
];
const first: CsvRecord = {
  externalId: 'CSV-1',
  customerEmail: 'anna@example.com',
  customerName: 'Anna Schmidt',
  shipLine1: 'Invalidenstraße 117',
  shipPostalCode: '10115',
  shipCity: 'Berlin',
  shipCountry: 'DE',
  sku: 'TSHIRT-BLK-M',
  quantity: '2',
  unitPrice: '1999',
  shippingPrice: '495',
};
const row = (line: number, record: CsvRecord): CsvRow => ({ line, record });

describe('the CSV order format', () => {
  it('when the header is complete, then it has no problems; unknown, missing and repeated columns are each named', () => {
    expect(headerProblems(HEADER)).toEqual([]);
    const problems = headerProblems(['externalId', 'sku', 'qty', 'unitPrice', 'sku']);
    expect(problems).toEqual([expect.stringContaining('unknown column "qty"'), 'missing column "quantity"', 'a column appears twice']);
  });

  it("when an order's rows are read, then order-level fields come from its first row, the channel's currency fills an empty one and the amount is computed", () => {
    const order = orderFromRows(
      [row(2, first), row(3, { externalId: 'CSV-1', sku: 'MUG-WHT', quantity: '1', unitPrice: '900', lineName: 'Mug' })],
      'legacy',
      'EUR',
    );
    const parsed = canonicalOrderSchema.parse(order);
    expect(parsed).toMatchObject({
      channel: 'legacy',
      externalId: 'CSV-1',
      currency: 'EUR',
      customer: { email: 'anna@example.com', name: 'Anna Schmidt' },
      shippingAddress: { name: 'Anna Schmidt', line1: 'Invalidenstraße 117', postalCode: '10115', city: 'Berlin', country: 'DE' },
      lines: [
        { sku: 'TSHIRT-BLK-M', quantity: 2, unitPrice: 1999 },
        { sku: 'MUG-WHT', quantity: 1, unitPrice: 900, name: 'Mug' },
      ],
      shipping: { method: 'standard', price: 495 },
      payment: { method: 'invoice', provider: 'csv', reference: 'CSV-1', amount: 2 * 1999 + 900 + 495 },
    });
  });

  it('when a number column is not digits, then it stays text so that validation names it; the amount is then not computed', () => {
    const order = orderFromRows([row(2, { ...first, quantity: 'two', currency: 'USD' })], 'legacy', 'EUR') as {
      lines: Array<{ quantity: unknown }>;
      currency: string;
      payment: { amount: unknown };
    };
    expect(order.lines[0].quantity).toBe('two');
    expect(order.currency).toBe('USD');
    expect(order.payment.amount).toBe(0);
    const result = canonicalOrderSchema.safeParse(order);
    expect(result.success).toBe(false);
  });

  it('when a canonical field is refused, then the reason names the CSV column and, for a line, the line of the file', () => {
    const rows = [row(7, first), row(8, first)];
    expect(csvReason('lines.1.unitPrice', 'must be an integer', rows)).toBe('unitPrice (line 8): must be an integer');
    expect(csvReason('shippingAddress.postalCode', 'is invalid', rows)).toBe('shipPostalCode: is invalid');
    expect(csvReason('lines', 'too many', rows)).toBe('lines: too many (an order has at most 500 lines)');
    expect(csvReason('somethingElse', 'odd', rows)).toBe('somethingElse: odd');
  });

  it('when a row names no order id or no channel, then it belongs to no order', () => {
    expect(rowWithoutOrder('', 'legacy')).toBe('externalId: is empty');
    expect(rowWithoutOrder('CSV-1', '')).toBe('channel: is empty (add a channel column or ?channel=)');
    expect(rowWithoutOrder('CSV-1', 'legacy')).toBeUndefined();
  });
});

describe('grouping the rows of a file into orders', () => {
  const r = (line: number) => row(line, first);

  it('when rows of one order follow each other, then they make one order, completed by the first row of the next', () => {
    const groups = new ConsecutiveOrderRows();
    expect(groups.add(r(2), 'legacy', 'A')).toBeUndefined();
    expect(groups.add(r(3), 'legacy', 'A')).toBeUndefined();
    const a = groups.add(r(4), 'legacy', 'B');
    expect(a).toMatchObject({ channel: 'legacy', rows: [{ line: 2 }, { line: 3 }] });
    expect(a?.refused).toBeUndefined();
    expect(groups.end()).toMatchObject({ channel: 'legacy', rows: [{ line: 4 }] });
    expect(groups.end()).toBeUndefined();
  });

  it('when the same order id appears in two channels, then they are two orders', () => {
    const groups = new ConsecutiveOrderRows();
    groups.add(r(2), 'web', 'A');
    expect(groups.add(r(3), 'legacy', 'A')).toMatchObject({ channel: 'web' });
    const legacy = groups.end();
    expect(legacy).toMatchObject({ channel: 'legacy', rows: [{ line: 3 }] });
    expect(legacy?.refused).toBeUndefined();
  });

  it('when an order id comes back after other rows, then that later order is refused with the reason', () => {
    const groups = new ConsecutiveOrderRows();
    groups.add(r(2), 'legacy', 'A');
    groups.add(r(3), 'legacy', 'B');
    expect(groups.add(r(4), 'legacy', 'A')).toMatchObject({ rows: [{ line: 3 }] });
    expect(groups.add(r(5), 'legacy', 'A')).toBeUndefined();
    const again = groups.end();
    expect(again).toMatchObject({
      rows: [{ line: 4 }, { line: 5 }],
      refused: 'externalId: order A appeared earlier in the file; the rows of one order must be consecutive',
    });
  });
});

describe('CSV order money columns', () => {
  it('when an order has line and order discounts, taxes included, a shipping discount, a billing address and a gift card, then they are mapped and the payment covers the amount due', () => {
    const candidate = orderFromRows(
      [
        row(2, {
          ...first,
          lineDiscount: '200',
          lineDiscountCode: 'SHIRT2',
          lineTaxRate: '0.19',
          taxesIncluded: 'true',
          taxTitle: 'MwSt',
          orderDiscountPercent: '10',
          discountCode: 'WELCOME10',
          shippingDiscount: '495',
          shippingTaxRate: '0.19',
          billName: 'Anna Schmidt',
          billLine1: 'Kalverstraat 1',
          billPostalCode: '1012 NX',
          billCity: 'Amsterdam',
          billCountry: 'NL',
          customerIp: '203.0.113.9',
          giftCardReference: 'GC-1',
          giftCardAmount: '1000',
        }),
        row(3, { externalId: 'CSV-1', sku: 'MUG-1', quantity: '1', unitPrice: '1200', lineTaxRate: '0.07' }),
      ],
      'web',
      'EUR',
    );
    const order = canonicalOrderSchema.parse(candidate);
    expect(order).toMatchObject({
      customer: { ip: '203.0.113.9' },
      billingAddress: { line1: 'Kalverstraat 1', country: 'NL' },
      taxesIncluded: true,
      discounts: [{ percentage: 10, code: 'WELCOME10' }],
      lines: [
        { sku: 'TSHIRT-BLK-M', discounts: [{ amount: 200, code: 'SHIRT2' }], taxes: [{ title: 'MwSt', rate: 0.19 }] },
        { sku: 'MUG-1', taxes: [{ title: 'MwSt', rate: 0.07 }] },
      ],
      shipping: { price: 495, discounts: [{ amount: 495, code: 'WELCOME10' }], taxes: [{ rate: 0.19 }] },
      payment: { giftCards: [{ reference: 'GC-1', amount: 1000 }] },
    });
    // Lines 3998 − 200 + 1200 = 4998, less 10 % (500) = 4498; shipping free; taxes included; less the gift card.
    expect(order.payment.amount).toBe(3498);
  });

  it('when a money column is not a number, then validation names that column and the line', () => {
    const candidate = orderFromRows([row(2, { ...first, lineTaxRate: 'neunzehn', orderDiscountPercent: '10 %' })], 'web', 'EUR');
    const parsed = canonicalOrderSchema.safeParse(candidate);
    expect(parsed.success).toBe(false);
    const reasons = parsed.error!.issues.map((i) => csvReason(i.path.join('.'), i.message, [row(2, first)]));
    expect(reasons).toEqual(expect.arrayContaining([expect.stringMatching(/^lineTaxRate \(line 2\): /), expect.stringMatching(/^orderDiscount: /)]));
  });
});
