import request from 'supertest';
import type { Express } from 'express';
import { deterministicId } from '@oms/messaging';
import { sampleOrder, TestStack } from '@oms/testing';
import { auth, CSV_HEADER, csvRow, putChannel, startIntake } from './intake-helpers';

describe('channels and the intake checks every path shares', () => {
  let stack: TestStack;
  let app: Express;

  beforeAll(async () => {
    stack = await TestStack.create();
    ({ app } = await startIntake(stack));
  });
  afterAll(() => stack?.cleanup());

  it('when a channel is put twice, then it is created (201) then replaced (200), and its webhook secret is never shown', async () => {
    const first = await request(app)
      .put('/v1/channels/shop-eu')
      .set(auth)
      .send({ name: 'EU shop', type: 'shopify', defaultCurrency: 'EUR', webhookSecret: 'shpss_0123456789abcdef', locationPool: ['berlin-1'] });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      id: 'shop-eu',
      name: 'EU shop',
      type: 'shopify',
      defaultCurrency: 'EUR',
      locationPool: ['berlin-1'],
      hasWebhookSecret: true,
    });
    expect(JSON.stringify(first.body)).not.toContain('shpss_');

    // Omitting the secret on a replace keeps it.
    const second = await request(app).put('/v1/channels/shop-eu').set(auth).send({ name: 'EU web shop', type: 'shopify', defaultCurrency: 'EUR' });
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ name: 'EU web shop', hasWebhookSecret: true, locationPool: [] });

    const one = await request(app).get('/v1/channels/shop-eu').set(auth);
    expect(one.status).toBe(200);
    expect(one.body.name).toBe('EU web shop');
    expect(JSON.stringify(one.body)).not.toContain('shpss_');
    const list = await request(app).get('/v1/channels').set(auth);
    expect(list.body.items.map((c: { id: string }) => c.id)).toContain('shop-eu');
  });

  it('when a channel is put with a bad type, currency or pool, then every field error is listed', async () => {
    const res = await request(app)
      .put('/v1/channels/bad')
      .set(auth)
      .send({ name: '', type: 'fax', defaultCurrency: 'EURO', locationPool: ['not ok'] });
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['defaultCurrency', 'locationPool.0', 'name', 'type']);
  });

  it('when a channel does not exist, then it is 404 to read', async () => {
    expect((await request(app).get('/v1/channels/nope').set(auth)).status).toBe(404);
  });

  it('when an order names a channel that does not exist, then every intake path refuses it at the channel field (a webhook: 401, as for a bad signature)', async () => {
    const order = sampleOrder({ channel: 'ghost', externalId: 'G-1' });
    const single = await request(app).post('/v1/orders').set(auth).send(order);
    expect(single.status).toBe(422);
    expect(single.body.errors).toEqual([{ path: 'channel', message: expect.stringContaining('no channel "ghost"') }]);

    const batch = await request(app)
      .post('/v1/orders/batch')
      .set(auth)
      .send({ orders: [order] });
    expect(batch.status).toBe(200);
    expect(batch.body.results[0]).toMatchObject({ status: 'rejected', problems: [{ path: 'channel' }] });

    const csvByQuery = await request(app)
      .post('/v1/orders/import?channel=ghost')
      .set(auth)
      .type('text/csv')
      .send(`${CSV_HEADER}\n${csvRow({ externalId: 'G-2' })}\n`);
    expect(csvByQuery.status).toBe(422);
    expect(csvByQuery.body.errors[0].path).toBe('query.channel');

    const csvByColumn = await request(app)
      .post('/v1/orders/import')
      .set(auth)
      .type('text/csv')
      .send(`${CSV_HEADER}\n${csvRow({ externalId: 'G-3', channel: 'ghost' })}\n`);
    expect(csvByColumn.status).toBe(200);
    expect(csvByColumn.body).toMatchObject({
      received: 1,
      created: 0,
      rejected: 1,
      rows: [{ line: 2, externalId: 'G-3', reason: expect.stringContaining('channel') }],
    });

    // A signed webhook is the exception: before its signature is verified, an unknown channel is the same 401 as
    // a wrong signature, so that nobody can find out which channels exist (docs/security.md).
    const shopify = await request(app).post('/v1/channels/ghost/shopify/orders').set('X-Shopify-Hmac-Sha256', 'AAAA').send({ id: 1 });
    expect(shopify.status).toBe(401);
  });

  it('when operations staff take an order by phone or social media, then the native API accepts it under that channel', async () => {
    await putChannel(app, 'phone-desk', { type: 'phone' });
    await putChannel(app, 'instagram', { type: 'social' });
    for (const channel of ['phone-desk', 'instagram']) {
      const res = await request(app)
        .post('/v1/orders')
        .set(auth)
        .send(sampleOrder({ channel, externalId: `${channel}-0001` }));
      expect(res.status).toBe(202);
      expect(res.body).toEqual({ id: deterministicId('order', channel, `${channel}-0001`), status: 'received' });
    }
  });

  it('when an order has many invalid fields, then the 422 lists every path', async () => {
    await putChannel(app, 'webshop');
    const order = sampleOrder() as any;
    order.currency = 'ABC';
    order.customer.email = 'anna@';
    order.shippingAddress.postalCode = '1011';
    order.lines = [{ sku: 'A', quantity: 0, unitPrice: 12.5 }];
    const res = await request(app).post('/v1/orders').set(auth).send(order);
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'currency',
      'customer.email',
      'lines.0.quantity',
      'lines.0.unitPrice',
      'shippingAddress.postalCode',
    ]);
  });
});
