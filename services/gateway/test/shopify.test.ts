import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import type { Express } from 'express';
import { deterministicId } from '@oms/messaging';
import { eventually, TestStack } from '@oms/testing';
import { discountedTaxIncluded } from './fixtures/shopify-discounted';
import { putChannel, startIntake } from './intake-helpers';

const SECRET = 'shpss_test_secret_0123456789';
const fixtureText = readFileSync(join(__dirname, 'fixtures', 'shopify-order.json'), 'utf8');
const fixture = () => JSON.parse(fixtureText) as Record<string, any>;
const sign = (body: string, secret = SECRET) => createHmac('sha256', secret).update(body, 'utf8').digest('base64');

describe('Shopify orders/create webhook', () => {
  let stack: TestStack;
  let app: Express;
  let ingestionUrl: string;

  beforeAll(async () => {
    stack = await TestStack.create();
    const started = await startIntake(stack, { withIngestion: true });
    app = started.app;
    ingestionUrl = started.ingestion!.url;
    await putChannel(app, 'shop-eu', { type: 'shopify', webhookSecret: SECRET });
  });
  afterAll(() => stack?.cleanup());

  const deliver = (body: string, headers: Record<string, string>) =>
    request(app)
      .post('/v1/channels/shop-eu/shopify/orders')
      .set({ 'Content-Type': 'application/json', 'X-Shopify-Topic': 'orders/create', 'X-Shopify-Shop-Domain': 'example.myshopify.com', ...headers })
      .send(body);

  it('when a signed delivery arrives, then it is 202 and ingestion stores the mapped order; the same delivery again is dropped; another delivery of the order answers it', async () => {
    const body = fixtureText;
    const id = deterministicId('order', 'shop-eu', '5821994844328');
    const first = await deliver(body, { 'X-Shopify-Hmac-Sha256': sign(body), 'X-Shopify-Webhook-Id': 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043' });
    expect(first.status).toBe(202);
    expect(first.body).toEqual({ id, status: 'received', duplicate: false });

    const stored = await eventually(async () => {
      const res = await fetch(`${ingestionUrl}/internal/orders/${id}`);
      return res.ok ? ((await res.json()) as Record<string, any>) : undefined;
    });
    expect(stored).toMatchObject({
      channel: 'shop-eu',
      externalId: '5821994844328',
      currency: 'EUR',
      lines: [{ sku: 'TSHIRT-BLK-M', quantity: 2, unitPrice: 1999 }],
      payment: { amount: 4493, provider: 'shopify' },
    });

    const repeat = await deliver(body, { 'X-Shopify-Hmac-Sha256': sign(body), 'X-Shopify-Webhook-Id': 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043' });
    expect(repeat.status).toBe(200);
    expect(repeat.body).toEqual({ duplicate: true });

    const other = await deliver(body, { 'X-Shopify-Hmac-Sha256': sign(body), 'X-Shopify-Webhook-Id': 'another-delivery' });
    expect(other.status).toBe(200);
    expect(other.body).toEqual({ id, status: stored!.status, duplicate: true });
  });

  it('when a discounted, tax-included order arrives, then it is taken as paid in full (not held for amount_mismatch) and shows totals that match Shopify', async () => {
    const body = JSON.stringify(discountedTaxIncluded(fixture(), 5821994844501));
    const id = deterministicId('order', 'shop-eu', '5821994844501');
    expect((await deliver(body, { 'X-Shopify-Hmac-Sha256': sign(body), 'X-Shopify-Webhook-Id': 'wh-discounted' })).status).toBe(202);

    const stored = await eventually(async () => {
      const res = await fetch(`${ingestionUrl}/internal/orders/${id}`);
      const order = res.ok ? ((await res.json()) as Record<string, any>) : undefined;
      return order && order.status !== 'received' ? order : undefined;
    });
    expect(stored).toMatchObject({ status: 'pending', holds: [], taxesIncluded: true, payment: { amount: 4723 } });
    expect(stored!.totals).toMatchObject({ subtotal: 5248, discount: 525, shipping: 495, shippingDiscount: 495, tax: 754, total: 4723, due: 4723 });
    expect(stored!.lines[0].discounts).toEqual([{ amount: 400, code: 'SOMMER10' }]);
  });

  it('when the signature is wrong, made with another secret, or missing, then it is 401 and nothing is accepted', async () => {
    const body = fixtureText.replace('5821994844328', '5821994844399');
    expect((await deliver(body, { 'X-Shopify-Hmac-Sha256': sign(body, 'another-secret-0123456789') })).status).toBe(401);
    expect((await deliver(body, { 'X-Shopify-Hmac-Sha256': sign(fixtureText) })).status).toBe(401); // signature of another body
    expect((await deliver(body, {})).status).toBe(401);
    const tampered = await deliver(body.replace('"19.99"', '"0.01"'), { 'X-Shopify-Hmac-Sha256': sign(body) });
    expect(tampered.status).toBe(401);
    expect(tampered.headers['content-type']).toContain('application/problem+json');
  });

  it('when a signed payload cannot be mapped, then it is 422 naming the Shopify fields, and a corrected retry of that delivery is processed', async () => {
    const payload = fixture();
    payload.id = 5821994844400;
    payload.admin_graphql_api_id = 'gid://shopify/Order/5821994844400';
    payload.line_items[0].price = '19.999';
    payload.shipping_address.zip = 'ABC';
    const body = JSON.stringify(payload);
    const res = await deliver(body, { 'X-Shopify-Hmac-Sha256': sign(body), 'X-Shopify-Webhook-Id': 'wh-bad' });
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(['line_items.0.price']);

    payload.line_items[0].price = '19.99';
    const body2 = JSON.stringify(payload);
    const zip = await deliver(body2, { 'X-Shopify-Hmac-Sha256': sign(body2), 'X-Shopify-Webhook-Id': 'wh-bad' });
    expect(zip.status).toBe(422);
    expect(zip.body.errors.map((e: { path: string }) => e.path)).toEqual(['shipping_address.zip']);

    payload.shipping_address.zip = '10115';
    const body3 = JSON.stringify(payload);
    const ok = await deliver(body3, { 'X-Shopify-Hmac-Sha256': sign(body3), 'X-Shopify-Webhook-Id': 'wh-bad' });
    expect(ok.status).toBe(202);
  });
});
