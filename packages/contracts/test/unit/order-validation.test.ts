import { canonicalOrderSchema, currencyExponent } from '@oms/contracts';
import { sampleOrder } from '@oms/testing';

const problemsOf = (input: unknown) => {
  const result = canonicalOrderSchema.safeParse(input);
  return result.success ? [] : result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
};
const pathsOf = (input: unknown) =>
  problemsOf(input)
    .map((p) => p.path)
    .sort();

describe('canonical order validation', () => {
  it('when the sample order is checked, then it passes', () => {
    expect(problemsOf(sampleOrder())).toEqual([]);
  });

  it('when text contains U+0000 (which the store cannot keep), then the order is refused at that path', () => {
    const order = sampleOrder({ customer: { email: 'a@example.com', name: 'An\u0000na' } });
    expect(problemsOf(order)).toEqual([{ path: 'customer.name', message: 'may not contain U+0000' }]);
  });

  it('when many fields are wrong at once, then every error is listed with its path', () => {
    const order = sampleOrder() as any;
    order.currency = 'ABC';
    order.customer.email = 'not-an-email';
    order.shippingAddress = { ...order.shippingAddress, city: '', country: 'XX' };
    order.lines = [
      { sku: 'A', quantity: 1.5, unitPrice: 19.99 },
      { sku: 'B', quantity: 0, unitPrice: -1 },
      { sku: 'C', quantity: 10_001, unitPrice: 100 },
    ];
    order.shipping.price = 4.95;
    expect(pathsOf(order)).toEqual(
      [
        'currency',
        'customer.email',
        'shippingAddress.city',
        'shippingAddress.country',
        'lines.0.quantity',
        'lines.0.unitPrice',
        'lines.1.quantity',
        'lines.1.unitPrice',
        'lines.2.quantity',
        'shipping.price',
      ].sort(),
    );
  });

  it('when the postal code does not fit the country, then the error names shippingAddress.postalCode', () => {
    const order = sampleOrder({ shippingAddress: { name: 'A', line1: 'B 1', postalCode: 'ABCDE', city: 'Berlin', country: 'DE' } });
    expect(problemsOf(order)).toEqual([{ path: 'shippingAddress.postalCode', message: 'is not a valid postal code for DE' }]);
  });

  it('when the postal code is wrong and another address field too, then both errors are listed', () => {
    const order = sampleOrder({ shippingAddress: { name: 'A', line1: '', postalCode: '1234', city: 'Berlin', country: 'DE' } });
    expect(pathsOf(order)).toEqual(['shippingAddress.line1', 'shippingAddress.postalCode']);
  });

  it('when postal codes of several countries are given in their own format, then they pass', () => {
    const at = (country: string, postalCode: string) => sampleOrder({ shippingAddress: { name: 'A', line1: 'B 1', postalCode, city: 'C', country } });
    expect(problemsOf(at('GB', 'SW1A 1AA'))).toEqual([]);
    expect(problemsOf(at('US', '94107'))).toEqual([]);
    expect(problemsOf(at('NL', '1012 AB'))).toEqual([]);
    expect(pathsOf(at('US', 'SW1A 1AA'))).toEqual(['shippingAddress.postalCode']);
  });

  it('when the country is one the postal-code validator does not know, then any postal code passes', () => {
    expect(problemsOf(sampleOrder({ shippingAddress: { name: 'A', line1: 'B 1', postalCode: 'anything', city: 'C', country: 'AQ' } }))).toEqual([]);
  });

  it('when country or currency are lower-case or three letters, then they are refused', () => {
    expect(pathsOf({ ...sampleOrder(), currency: 'eur' })).toEqual(['currency']);
    expect(pathsOf({ ...sampleOrder(), currency: 'XXX' })).toEqual(['currency']);
    const order = sampleOrder();
    expect(pathsOf({ ...order, shippingAddress: { ...order.shippingAddress, country: 'DEU' } })).toEqual(['shippingAddress.country']);
  });

  it('when an order has more than 500 lines, then lines is the error', () => {
    const lines = Array.from({ length: 501 }, (_, i) => ({ sku: `S-${i}`, quantity: 1, unitPrice: 1 }));
    expect(pathsOf(sampleOrder({ lines }))).toEqual(['lines']);
  });

  it('when an order carries a source record, then it is kept', () => {
    const parsed = canonicalOrderSchema.parse({ ...sampleOrder(), source: { shopify: { id: 1, tags: 'vip' } } });
    expect(parsed.source).toEqual({ shopify: { id: 1, tags: 'vip' } });
  });

  it('when the exponent of a currency is asked, then ISO 4217 answers it', () => {
    expect([currencyExponent('EUR'), currencyExponent('JPY'), currencyExponent('KWD'), currencyExponent('ABC')]).toEqual([2, 0, 3, undefined]);
  });
});
