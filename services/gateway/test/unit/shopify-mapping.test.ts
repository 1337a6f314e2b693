import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalOrderSchema, orderTotals } from '@oms/contracts';
import { discountedTaxIncluded } from '../fixtures/shopify-discounted';
import { canonicalFromShopify, mapShopifyOrder, shopifyOrderSchema, shopifyPathOf } from '../../src/domain/channels/shopify-mapping';

const fixtureText = readFileSync(join(__dirname, '..', 'fixtures', 'shopify-order.json'), 'utf8');
const fixture = () => JSON.parse(fixtureText) as Record<string, any>;
const canonical = (payload: Record<string, any>) => {
  const mapped = mapShopifyOrder(shopifyOrderSchema.parse(payload), 'shop-eu', 2);
  if (!mapped.order) throw new Error(JSON.stringify(mapped.problems));
  return canonicalOrderSchema.parse(mapped.order);
};

describe('Shopify order mapping', () => {
  it("when Shopify's documented order payload is mapped, then the canonical order is valid and unmapped fields are kept in source", () => {
    const mapped = mapShopifyOrder(shopifyOrderSchema.parse(fixture()), 'shop-eu', 2, 'wh-1');
    if (!mapped.order) throw new Error(JSON.stringify(mapped.problems));
    const order = canonicalOrderSchema.parse(mapped.order);
    expect(order).toMatchObject({
      channel: 'shop-eu',
      externalId: '5821994844328',
      currency: 'EUR',
      customer: { email: 'anna.schmidt@example.com', name: 'Anna Schmidt', phone: '+49 30 1234567', ip: '203.0.113.7' },
      shippingAddress: { name: 'Anna Schmidt', line1: 'Invalidenstraße 117', line2: '3. OG', postalCode: '10115', city: 'Berlin', country: 'DE' },
      lines: [{ sku: 'TSHIRT-BLK-M', quantity: 2, unitPrice: 1999, name: 'T-Shirt - Schwarz / M' }],
      shipping: { method: 'Standard', price: 495 },
      payment: { method: 'card', provider: 'shopify', reference: 'b3a5e0d9c2f84e1fa7d6c1e9f0a2b4c6', amount: 4493 },
    });
    expect(order.source).toMatchObject({
      system: 'shopify',
      webhookId: 'wh-1',
      shopify: { name: '#1042', financial_status: 'paid', payment_gateway_names: ['shopify_payments'], total_tax: '7.17' },
    });
  });

  it("when the sample order is mapped, then its totals are Shopify's: 44.93 with 7.17 MwSt included", () => {
    const order = canonical(fixture());
    expect(order).toMatchObject({ taxesIncluded: true, billingAddress: { line1: 'Invalidenstraße 117', postalCode: '10115', country: 'DE' } });
    expect(orderTotals(order)).toMatchObject({ subtotal: 3998, shipping: 495, tax: 717, total: 4493, due: 4493 });
  });

  it('when a discounted, tax-included order is mapped, then each line and the shipping carry their discounts with the code, and the totals match total_price', () => {
    const order = canonical(discountedTaxIncluded(fixture(), 5821994844501));
    expect(order.lines).toEqual([
      expect.objectContaining({
        sku: 'TSHIRT-BLK-M',
        unitPrice: 1999,
        discounts: [{ amount: 400, code: 'SOMMER10' }],
        taxes: [{ title: 'MwSt', rate: 0.19, amount: 574 }],
      }),
      expect.objectContaining({
        sku: 'MUG-WHT',
        unitPrice: 1250,
        discounts: [{ amount: 125, code: 'SOMMER10' }],
        taxes: [{ title: 'MwSt', rate: 0.19, amount: 180 }],
      }),
    ]);
    expect(order.shipping).toMatchObject({ price: 495, discounts: [{ amount: 495, code: 'FREESHIP' }] });
    expect(order.payment.amount).toBe(4723);
    expect(orderTotals(order)).toMatchObject({ subtotal: 5248, discount: 525, shippingDiscount: 495, tax: 754, total: 4723, due: 4723 });
  });

  it('when a gift card paid part of the order (its transactions), then the card is due the rest and the gift card is on the payment', () => {
    const payload = fixture();
    payload.transactions = [
      { id: 7001, gateway: 'gift_card', kind: 'sale', status: 'success', amount: '20.00' },
      { id: 7002, gateway: 'shopify_payments', kind: 'authorization', status: 'success', amount: '24.93' },
      { id: 7003, gateway: 'gift_card', kind: 'sale', status: 'failure', amount: '5.00' },
    ];
    const order = canonical(payload);
    expect(order.payment).toMatchObject({ amount: 2493, giftCards: [{ reference: 'shopify-transaction-7001', amount: 2000 }] });
    expect(orderTotals(order)).toMatchObject({ total: 4493, giftCards: 2000, due: 2493 });
  });

  it('when a JPY order comes in, then "1500" is 1500 yen; a line without SKU is named by its variant', () => {
    const payload = fixture();
    payload.currency = 'JPY';
    payload.total_price = '3000';
    payload.line_items[0] = {
      ...payload.line_items[0],
      price: '1500',
      quantity: 2,
      sku: null,
      tax_lines: [{ price: '273', rate: 0.1, title: '消費税' }],
    };
    payload.shipping_lines = [];
    const mapped = mapShopifyOrder(shopifyOrderSchema.parse(payload), 'shop-jp', 0);
    expect(mapped.order).toMatchObject({
      currency: 'JPY',
      lines: [{ sku: 'shopify-variant-45120498171048', unitPrice: 1500, taxes: [{ title: '消費税', rate: 0.1, amount: 273 }] }],
      shipping: { method: 'none', price: 0 },
      payment: { amount: 3000 },
    });
  });

  it('when the order id is beyond JSON number precision, then the exact id comes from admin_graphql_api_id', () => {
    const payload = fixture();
    payload.admin_graphql_api_id = 'gid://shopify/Order/820982911946154508';
    // eslint-disable-next-line no-loss-of-precision -- the point: Shopify's JSON number has lost digits
    payload.id = 820982911946154508;
    expect(mapShopifyOrder(shopifyOrderSchema.parse(payload), 'shop-eu', 2).order?.externalId).toBe('820982911946154508');
  });
});

describe('a Shopify webhook body as a canonical order', () => {
  it('when the payload maps to a valid order, then that order comes back', () => {
    const result = canonicalFromShopify(fixture(), 'shop-eu', 'wh-1');
    expect(result.order).toMatchObject({ channel: 'shop-eu', externalId: '5821994844328', payment: { amount: 4493 } });
  });

  it('when Shopify fields are missing, then the problems name them', () => {
    const payload = fixture();
    delete payload.currency;
    payload.line_items = [];
    const result = canonicalFromShopify(payload, 'shop-eu');
    expect(result).toMatchObject({ detail: 'The Shopify order is invalid' });
    expect(result.order ? [] : result.problems.map((p) => p.path)).toEqual(expect.arrayContaining(['currency', 'line_items']));
  });

  it('when the currency is not ISO 4217 or an amount has too many decimals, then the problem is at that field', () => {
    expect(canonicalFromShopify({ ...fixture(), currency: 'XYZ' }, 'shop-eu')).toEqual({
      detail: 'The Shopify order is invalid',
      problems: [{ path: 'currency', message: 'is not an ISO 4217 currency code' }],
    });
    const payload = fixture();
    payload.line_items[0].price = '19.999';
    const result = canonicalFromShopify(payload, 'shop-eu');
    expect(result.order ? [] : result.problems.map((p) => p.path)).toEqual(['line_items.0.price']);
  });

  it('when the mapped order is not a valid canonical order, then the problems name the Shopify fields it came from', () => {
    const payload = fixture();
    payload.shipping_address.zip = 'ABC';
    const result = canonicalFromShopify(payload, 'shop-eu');
    expect(result).toMatchObject({ detail: 'The Shopify order cannot be taken as an order' });
    expect(result.order ? [] : result.problems.map((p) => p.path)).toEqual(['shipping_address.zip']);
  });

  it('when a canonical path has a Shopify field, then it is named by that field; others stay as they are', () => {
    expect(shopifyPathOf('lines.3.unitPrice')).toBe('line_items.3.price');
    expect(shopifyPathOf('shippingAddress.country')).toBe('shipping_address.country_code');
    expect(shopifyPathOf('payment.amount')).toBe('total_price');
    expect(shopifyPathOf('externalId')).toBe('id');
    expect(shopifyPathOf('source')).toBe('source');
  });
});
