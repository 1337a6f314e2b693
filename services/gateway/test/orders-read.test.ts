import request from 'supertest';
import type { CanonicalOrder } from '@oms/contracts';
import { createHttpApp, express } from '@oms/http';
import { createLogger } from '@oms/logging';
import { Broker, CommandClient, deterministicId } from '@oms/messaging';
import { createRedis, type Redis } from '@oms/redis';
import { eventually, sampleOrder, TEST_REDIS_URL, TestStack, type RunningService } from '@oms/testing';
import { definition as ingestion } from '../../ingestion/src/service';
import { Upstream, type Upstreams } from '../src/data-access/upstreams';
import { requireApiKey, type Principal } from '../src/entry-points/http/auth';
import { ordersRoutes } from '../src/entry-points/http/orders';
import { mapGatewayErrors } from '../src/entry-points/http/problems';

/**
 * The order routes of the gateway in front of a real ingestion (own vhost and database), with keys of
 * every role: ops, a channel key, and a partner key.
 */
const KEYS: Record<string, Principal> = {
  'ops-key': { actor: 'api-key:ops-1', roles: ['ops'] },
  'webshop-key': { actor: 'api-key:webshop-1', roles: ['channel:webshop'] },
  'partner-key': { actor: 'api-key:3pl-1', roles: ['partner:dhl'] },
};
const as = (key: string) => ({ Authorization: `Bearer ${key}` });

describe('gateway: reading and changing orders', () => {
  let stack: TestStack;
  let ing: RunningService<unknown>;
  let broker: Broker;
  let commands: CommandClient;
  let redis: Redis;
  let app: express.Express;
  const ids: Record<string, string> = {};

  const receive = async (o: CanonicalOrder, receivedAt: string) => {
    const orderId = deterministicId('order', o.channel, o.externalId);
    await broker.publish('order.received.v1', { orderId, order: o, receivedAt, actor: 'api-key:test' }, { correlationId: orderId });
    return orderId;
  };

  beforeAll(async () => {
    stack = await TestStack.create();
    ing = (await stack.start(ingestion)) as RunningService<unknown>;
    const logger = createLogger('gateway-test', 'silent');
    broker = new Broker({ url: stack.amqpUrl, service: 'gateway', logger });
    await broker.connect();
    commands = new CommandClient(broker);
    await commands.start();
    redis = createRedis(TEST_REDIS_URL, stack.redisPrefix);
    const upstreams = { ingestion: new Upstream('ingestion', ing.url, logger, 2000) } as unknown as Upstreams;
    app = createHttpApp({
      logger,
      readiness: () => ({}),
      routes: (a) => {
        const v1 = express.Router();
        v1.use(requireApiKey((key) => KEYS[key]));
        v1.use(ordersRoutes({ commands, upstreams, commandTimeoutMs: 5000, redis }));
        v1.use(mapGatewayErrors);
        a.use('/v1', v1);
      },
    });
    ids.web1 = await receive(sampleOrder({ externalId: 'WS-1' }), '2026-02-01T10:00:00.000Z');
    ids.web2 = await receive(sampleOrder({ externalId: 'WS-2', customer: { email: 'ben@example.com', name: 'Ben Meyer' } }), '2026-02-01T11:00:00.000Z');
    ids.web3 = await receive(sampleOrder({ externalId: 'WS-3' }), '2026-02-01T12:00:00.000Z');
    ids.market = await receive(sampleOrder({ channel: 'marketplace', externalId: 'MP-1' }), '2026-02-01T13:00:00.000Z');
    const listed = async () => (await request(ing.url).get('/internal/orders')).body.items;
    await eventually(async () => (await listed())?.length === 4 && (await listed()).every((o: { status: string }) => o.status === 'pending'), 20000);
  }, 60000);
  afterAll(async () => {
    await redis.quit();
    await commands.close();
    await broker.close();
    await stack.cleanup();
  });

  const list = (key: string, query: Record<string, string | number> = {}) => request(app).get('/v1/orders').query(query).set(as(key));
  const listIds = async (key: string, query: Record<string, string | number> = {}) => {
    const res = await list(key, query);
    expect(res.status).toBe(200);
    return res.body.items.map((o: { id: string }) => o.id);
  };

  it('when ops lists orders, then every channel’s orders come newest first; a channel key sees its own channel only; a partner key sees none', async () => {
    expect(await listIds('ops-key')).toEqual([ids.market, ids.web3, ids.web2, ids.web1]);
    expect(await listIds('webshop-key')).toEqual([ids.web3, ids.web2, ids.web1]);
    expect(await listIds('webshop-key', { channel: 'marketplace' })).toEqual([]);
    expect(await listIds('webshop-key', { q: 'MP-1' })).toEqual([]);
    expect(await listIds('partner-key')).toEqual([]);
  });

  it('when pages are followed through the gateway, then they join up without duplicates or gaps, in both sort orders', async () => {
    for (const sort of ['createdAt', '-createdAt']) {
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const res = await list('webshop-key', { limit: 2, sort, ...(cursor ? { cursor } : {}) });
        expect(res.status).toBe(200);
        seen.push(...res.body.items.map((o: { id: string }) => o.id));
        cursor = res.body.nextCursor ?? undefined;
      } while (cursor);
      expect(seen).toEqual(sort === 'createdAt' ? [ids.web1, ids.web2, ids.web3] : [ids.web3, ids.web2, ids.web1]);
    }
  });

  it('when list filters are combined, then they all apply', async () => {
    expect(await listIds('ops-key', { email: 'BEN@example.com', status: 'pending' })).toEqual([ids.web2]);
    expect(await listIds('ops-key', { createdFrom: '2026-02-01T11:00:00Z', createdTo: '2026-02-01T13:00:00Z', sku: 'TSHIRT-BLK-M' })).toEqual([
      ids.web3,
      ids.web2,
    ]);
  });

  it('when a list parameter is wrong or unknown, then 422 lists each one with its path', async () => {
    const res = await list('ops-key', { status: 'lost', limit: 0, createdFrom: 'monday', stauts: 'pending' });
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    const paths = res.body.errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['status', 'limit', 'createdFrom']));
    expect(JSON.stringify(res.body.errors)).toContain('stauts');
    const badCursor = await list('ops-key', { cursor: 'not-a-cursor' });
    expect(badCursor.status).toBe(422);
    expect(badCursor.body.errors).toEqual([{ path: 'cursor', message: 'is not a cursor from this list' }]);
  });

  it('when a channel key reads another channel’s order or its timeline, then it is 404 like a missing one; its own order and timeline are there', async () => {
    for (const path of [`/v1/orders/${ids.market}`, `/v1/orders/${ids.market}/timeline`, '/v1/orders/unknown-order']) {
      const res = await request(app).get(path).set(as('webshop-key'));
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    }
    const own = await request(app).get(`/v1/orders/${ids.web1}`).set(as('webshop-key')).expect(200);
    expect(own.body).toMatchObject({ id: ids.web1, channel: 'webshop', status: 'pending' });
    const timeline = await request(app).get(`/v1/orders/${ids.web1}/timeline`).set(as('webshop-key')).expect(200);
    expect(timeline.body.id).toBe(ids.web1);
    expect(timeline.body.timeline[0]).toMatchObject({ type: 'order_received', service: 'gateway', actor: 'api-key:test', at: '2026-02-01T10:00:00.000Z' });
  });

  it('when a channel key changes its order’s shipping address, then the order has it and the timeline names the key', async () => {
    const address = { name: 'Anna Schmidt', line1: 'Torstraße 1', postalCode: '10119', city: 'Berlin', country: 'DE' };
    const res = await request(app).patch(`/v1/orders/${ids.web2}`).set(as('webshop-key')).send({ shippingAddress: address });
    expect(res.status).toBe(200);
    expect(res.body.shippingAddress).toEqual(address);
    expect(res.body.timeline.find((t: { type: string }) => t.type === 'order_amended')).toMatchObject({
      actor: 'api-key:webshop-1',
      service: 'gateway',
      detail: expect.stringContaining('Torstraße 1'),
    });
  });

  it('when a change is not allowed or malformed, then it is 404 for another channel, 422 for a bad body and 403 for a hold release without ops', async () => {
    const address = { name: 'X', line1: 'Y 1', postalCode: '10119', city: 'Berlin', country: 'DE' };
    expect((await request(app).patch(`/v1/orders/${ids.market}`).set(as('webshop-key')).send({ shippingAddress: address })).status).toBe(404);
    expect((await request(app).post(`/v1/orders/${ids.market}/cancel`).set(as('webshop-key')).send({ reason: 'x' })).status).toBe(404);
    const empty = await request(app).patch(`/v1/orders/${ids.web1}`).set(as('ops-key')).send({});
    expect(empty.status).toBe(422);
    const bad = await request(app)
      .patch(`/v1/orders/${ids.web1}`)
      .set(as('ops-key'))
      .send({ lines: [{ sku: 'A', quantity: 0, unitPrice: 1 }], payment: { amount: -1, method: 'cash' } });
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: { path: string }) => e.path)).toEqual(expect.arrayContaining(['lines.0.quantity', 'payment.amount', 'payment']));
    const release = await request(app).post(`/v1/orders/${ids.web1}/holds/stock_short/release`).set(as('webshop-key')).send({});
    expect(release.status).toBe(403);
    const noHold = await request(app).post(`/v1/orders/${ids.web1}/holds/stock_short/release`).set(as('ops-key')).send({});
    expect(noHold.status).toBe(409);
    expect(noHold.body.detail).toContain('has no stock_short hold');
  });

  it('when lines change without a matching payment amount, then the order is held for amount_mismatch; sending the amount releases it', async () => {
    const lines = [{ sku: 'TSHIRT-BLK-M', quantity: 1, unitPrice: 1999 }];
    const held = await request(app).patch(`/v1/orders/${ids.web3}`).set(as('ops-key')).send({ lines }).expect(200);
    expect(held.body).toMatchObject({ status: 'on_hold', holds: [expect.objectContaining({ reason: 'amount_mismatch' })] });
    expect(await listIds('ops-key', { holdReason: 'amount_mismatch' })).toEqual([ids.web3]);
    const fixed = await request(app)
      .patch(`/v1/orders/${ids.web3}`)
      .set(as('ops-key'))
      .send({ payment: { amount: 1999 + 495 } })
      .expect(200);
    expect(fixed.body).toMatchObject({ status: 'pending', holds: [], checks: { stock: 'pending', payment: 'pending' } });
  });
  it('when a cancel overtakes the intake of an order the gateway accepted moments ago, then it waits for the order and cancels it', async () => {
    const order = sampleOrder({ externalId: 'WS-LATE' });
    const orderId = deterministicId('order', order.channel, order.externalId);
    await redis.set(`intake:${orderId}`, 'c', 'EX', 600); // what the gateway's intake leaves for an accepted order
    const cancelling = request(app).post(`/v1/orders/${orderId}/cancel`).set(as('ops-key')).send({ reason: 'customer called' });
    await new Promise((resolve) => setTimeout(resolve, 1500)); // ingestion has seen the cancel and found no order
    await broker.publish('order.received.v1', { orderId, order, receivedAt: '2026-02-01T13:00:00.000Z', actor: 'api-key:test' }, { correlationId: orderId });
    expect([200, 202]).toContain((await cancelling).status);
    const cancelled = await eventually(async () => {
      const res = await request(app).get(`/v1/orders/${orderId}`).set(as('ops-key'));
      return res.body.status === 'cancelled' && res.body;
    }, 30000);
    expect(cancelled.id).toBe(orderId);
    const timeline = (await request(app).get(`/v1/orders/${orderId}/timeline`).set(as('ops-key')).expect(200)).body.timeline;
    expect(timeline.map((t: { type: string }) => t.type)).toEqual(expect.arrayContaining(['cancel_requested']));
  });

  it('when an order has net prices with taxes, an order discount and a gift card, then it is not held and shows its totals; changed lines are held against the new amount due', async () => {
    const vat = [{ title: 'USt', rate: 0.19 }];
    const b2b = sampleOrder({
      externalId: 'WS-B2B-1',
      lines: [
        { sku: 'TSHIRT-BLK-M', quantity: 10, unitPrice: 1000, taxes: vat },
        { sku: 'MUG-WHT', quantity: 4, unitPrice: 750, discounts: [{ amount: 500, reason: 'damaged box' }], taxes: vat },
      ],
      discounts: [{ percentage: 5, code: 'B2B5' }],
      shipping: { method: 'standard', price: 990, taxes: vat },
      payment: { method: 'card', provider: 'sandbox', reference: 'pay_b2b', amount: 14_309, giftCards: [{ reference: 'GC-1', amount: 1000 }] },
    });
    const id = await receive(b2b, '2026-02-01T14:00:00.000Z');
    const order = await eventually(async () => {
      const res = await request(app).get(`/v1/orders/${id}`).set(as('ops-key'));
      return res.status === 200 && res.body.status !== 'received' && res.body;
    });
    // lines 10,000 and 3,000 − 500; 5 % of 12,500 = 625, spread 500 and 125; net 9,500 and 2,375
    // tax 19 % of 9,500, 2,375 and 990: 1,805 + 451.25 + 188.1 → 2,444; total 11,875 + 990 + 2,444 = 15,309
    expect(order).toMatchObject({ status: 'pending', holds: [] });
    expect(order.totals).toMatchObject({ subtotal: 13_000, discount: 1125, shipping: 990, tax: 2444, total: 15_309, giftCards: 1000, due: 14_309 });
    expect(order.totals.lines).toEqual([
      { gross: 10_000, discount: 500, net: 9500, tax: 1805 },
      { gross: 3000, discount: 625, net: 2375, tax: 451 },
    ]);

    const lines = [{ sku: 'TSHIRT-BLK-M', quantity: 5, unitPrice: 1000, taxes: vat }];
    const held = await request(app).patch(`/v1/orders/${id}`).set(as('ops-key')).send({ lines }).expect(200);
    expect(held.body).toMatchObject({ status: 'on_hold', holds: [expect.objectContaining({ reason: 'amount_mismatch' })] });
    // 5,000 − 5 % = 4,750 + 990 + tax 903 + 188 = 6,831, less the gift card: 5,831
    expect(held.body.holds[0].detail).toBe('payment amount 14309 does not match the amount due 5831 (total 6831 less gift cards 1000) EUR');
  });

  it('when a cancel names an order nobody accepted, then it is refused as not found at once', async () => {
    const res = await request(app).post('/v1/orders/no-such-order/cancel').set(as('ops-key')).send({});
    expect(res.status).toBe(404);
  });
});
