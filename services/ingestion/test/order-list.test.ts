import request from 'supertest';
import type { CanonicalOrder } from '@oms/contracts';
import { createLogger } from '@oms/logging';
import { Broker, deterministicId } from '@oms/messaging';
import { eventually, sampleOrder, TestStack, type RunningService } from '@oms/testing';
import type { OrderDocument } from '../src/data-access/order-model';
import { definition } from '../src/service';

/** GET /internal/orders: the order list the gateway serves as GET /v1/orders. */
describe('ingestion: listing orders', () => {
  let stack: TestStack;
  let service: RunningService<unknown>;
  let broker: Broker;
  const all: Array<{ id: string; createdAt: string; channel: string }> = [];

  const receive = async (o: CanonicalOrder, receivedAt: string) => {
    const orderId = deterministicId('order', o.channel, o.externalId);
    await broker.publish('order.received.v1', { orderId, order: o, receivedAt, actor: 'api-key:test' }, { correlationId: orderId });
    all.push({ id: orderId, createdAt: receivedAt, channel: o.channel });
    return orderId;
  };
  const list = (query: Record<string, string | number>) => request(service.url).get('/internal/orders').query(query);
  const ids = async (query: Record<string, string | number>) => {
    const res = await list(query);
    expect(res.status).toBe(200);
    return (res.body.items as Array<{ id: string }>).map((o) => o.id);
  };
  /** Every page of a query, following nextCursor. */
  const allPages = async (query: Record<string, string | number>) => {
    const pages: string[][] = [];
    let cursor: string | null = null;
    do {
      const res = await list({ ...query, ...(cursor ? { cursor } : {}) });
      expect(res.status).toBe(200);
      pages.push(res.body.items.map((o: { id: string }) => o.id));
      cursor = res.body.nextCursor;
    } while (cursor && pages.length < 50);
    return pages;
  };
  const byTime = (dir: 1 | -1) => [...all].sort((a, b) => dir * (a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id))).map((o) => o.id);

  let special: { held: string; anna: string; mixed: string; outlet: string };

  beforeAll(async () => {
    stack = await TestStack.create();
    service = (await stack.start(definition)) as RunningService<unknown>;
    broker = new Broker({ url: stack.amqpUrl, service: 'test', logger: createLogger('test', 'silent') });
    await broker.connect();
    // 20 plain orders a minute apart, and four pairs created in the same millisecond (ties broken by id).
    for (let i = 0; i < 20; i++) {
      const at = new Date(Date.UTC(2026, 0, 1, 10, i < 16 ? i : 15)).toISOString();
      await receive(sampleOrder({ externalId: `WS-${100 + i}`, customer: { email: `buyer${i}@example.com`, name: `Buyer Number${i}` } }), at);
    }
    special = {
      held: await receive(
        sampleOrder({
          externalId: 'WS-HELD',
          payment: { method: 'card', provider: 'sandbox', reference: 'r', amount: 1 },
          customer: { email: 'held@example.com', name: 'Held Person' },
        }),
        '2026-01-02T09:00:00.000Z',
      ),
      anna: await receive(
        sampleOrder({ externalId: 'WS-ANNA', customer: { email: 'Anna.Schmidt@Example.com', name: 'Anna (VIP) Schmidt' } }),
        '2026-01-02T10:00:00.000Z',
      ),
      mixed: await receive(
        sampleOrder({
          externalId: 'WS-MIXED',
          customer: { email: 'mixed@example.com', name: 'Max Mixed' },
          lines: [
            { sku: 'MUG-1', quantity: 1, unitPrice: 900 },
            { sku: 'CAP.RED', quantity: 1, unitPrice: 1500 },
          ],
        }),
        '2026-01-02T11:00:00.000Z',
      ),
      outlet: await receive(
        sampleOrder({ channel: 'outlet', externalId: 'OUT-1', customer: { email: 'o@example.com', name: 'Olga Outlet' } }),
        '2026-01-02T12:00:00.000Z',
      ),
    };
    // Days apart, with a gap of months, and one at midnight exactly: the list reads day by day.
    await receive(sampleOrder({ externalId: 'WS-OLD', customer: { email: 'old@example.com', name: 'Early Bird' } }), '2025-06-30T23:59:59.999Z');
    await receive(sampleOrder({ externalId: 'WS-MIDNIGHT', customer: { email: 'mid@example.com', name: 'Night Owl' } }), '2026-01-03T00:00:00.000Z');
    await eventually(async () => (await list({ limit: 200 })).body.items?.length === all.length, 30000);
    // A fresh database has nothing to backfill: from here on the lists walk seconds (orders a minute apart above).
    const { orderDays, SECOND_BACKFILL_MARKER } = await import('../src/data-access/order-days');
    await eventually(() => orderDays(service.ctx.db).isDone(SECOND_BACKFILL_MARKER), 10000);
  }, 60000);
  afterAll(async () => {
    await broker.close();
    await stack.cleanup();
  });

  it('when every page is read newest first, then each order appears exactly once, in order, with no gaps', async () => {
    const pages = await allPages({ limit: 7 });
    expect(pages.map((p) => p.length)).toEqual([7, 7, 7, 5]);
    expect(pages.flat()).toEqual(byTime(-1));
  });

  it('when every page is read oldest first, then each order appears exactly once, in order, with no gaps', async () => {
    const pages = await allPages({ limit: 5, sort: 'createdAt' });
    expect(pages.flat()).toEqual(byTime(1));
    expect(new Set(pages.flat()).size).toBe(all.length);
  });

  it('when no limit is given, then 50 at most come back, without timelines, and the last page has no cursor', async () => {
    const res = await list({});
    expect(res.body.items).toHaveLength(all.length);
    expect(res.body.nextCursor).toBeNull();
    expect(res.body.items[1]).toMatchObject({ id: special.outlet, channel: 'outlet', status: 'pending' });
    expect(res.body.items[1]).not.toHaveProperty('timeline');
    expect(res.body.items[1]).not.toHaveProperty('customerEmail');
    expect(res.body.items[1]).not.toHaveProperty('createdDay');
    expect(res.body.items[1]).not.toHaveProperty('createdSecond');
  });

  it('when filtered by status or hold reason, then only those orders come back', async () => {
    expect(await ids({ status: 'on_hold' })).toEqual([special.held]);
    expect(await ids({ holdReason: 'amount_mismatch' })).toEqual([special.held]);
    expect(await ids({ holdReason: 'stock_short' })).toEqual([]);
    expect(await ids({ status: 'on_hold,pending', limit: 200 })).toHaveLength(all.length);
  });

  it('when filtered by channel, SKU or customer email (any case), then only those orders come back', async () => {
    expect(await ids({ channel: 'outlet' })).toEqual([special.outlet]);
    expect(await ids({ sku: 'CAP.RED' })).toEqual([special.mixed]);
    expect(await ids({ sku: 'CAP-RED' })).toEqual([]);
    expect(await ids({ email: 'anna.schmidt@example.COM' })).toEqual([special.anna]);
  });

  it('when filtered by a creation range, then createdFrom is inclusive and createdTo exclusive', async () => {
    const found = await ids({ createdFrom: '2026-01-01T10:03:00Z', createdTo: '2026-01-01T10:06:00.000Z', sort: 'createdAt' });
    expect(found).toEqual(all.filter((o) => o.createdAt >= '2026-01-01T10:03:00.000Z' && o.createdAt < '2026-01-01T10:06:00.000Z').map((o) => o.id));
    expect(found).toHaveLength(3);
    expect(await ids({ createdFrom: '2026-01-02T12:00:00+00:00', createdTo: '2026-01-03T00:00:00Z' })).toEqual([special.outlet]);
    expect(await ids({ createdTo: '2026-01-01T00:00:00Z' })).toEqual([byTime(1)[0]]);
  });

  it('when searched by free text, then external id and customer name match in any case, and regex characters match only themselves', async () => {
    expect(await ids({ q: 'ws-anna' })).toEqual([special.anna]);
    expect(await ids({ q: 'olga' })).toEqual([special.outlet]);
    expect(await ids({ q: '(vip)' })).toEqual([special.anna]);
    expect(await ids({ q: '.*' })).toEqual([]);
    expect(await ids({ q: 'number1', limit: 200 })).toHaveLength(11); // Number1, Number10..19
  });

  it('when the caller may see some channels only, then other channels’ orders are never listed', async () => {
    expect(await ids({ channels: 'outlet', limit: 200 })).toEqual([special.outlet]);
    expect(await ids({ channels: 'outlet', channel: 'webshop' })).toEqual([]);
    expect(await ids({ channels: 'outlet,elsewhere', q: 'buyer' })).toEqual([]);
    expect(await ids({ channels: 'webshop', limit: 200 })).toHaveLength(all.length - 1);
  });

  it('when orders were stored before they had a createdDay and a createdSecond, then the backfill gives them both and lists show them, second by second', async () => {
    const { backfillListBuckets } = await import('../src/data-access/list-bucket-backfill');
    const { orderDays, SECOND_BACKFILL_MARKER } = await import('../src/data-access/order-days');
    const days = orderDays(service.ctx.db);
    const template = await service.ctx.db.collection('orders').findOne({ _id: special.anna as never });
    // Five legacy orders on one day, in three minutes (two share a millisecond), and none noted anywhere.
    const times = ['2024-02-29T08:00:00.000Z', '2024-02-29T08:00:30.000Z', '2024-02-29T08:01:00.000Z', '2024-02-29T08:01:00.000Z', '2024-02-29T23:59:59.999Z'];
    const legacy = times.map((createdAt, i) => {
      const doc: Record<string, unknown> = { ...template, _id: `legacy-order-${i}`, externalId: `WS-LEGACY-${i}`, createdAt };
      delete doc.createdDay;
      delete doc.createdSecond;
      return doc;
    });
    await service.ctx.db.collection('orders').insertMany(legacy as never[]);
    expect(await ids({ createdTo: '2025-01-01T00:00:00Z' })).toEqual([]);

    await days.model.deleteOne({ _id: `marker:${SECOND_BACKFILL_MARKER}` });
    const store = service.ctx.aggregates<OrderDocument>({ model: service.ctx.db.model('Order'), lockKey: (id: string) => `order:${id}` });
    await backfillListBuckets(store, days, createLogger('test', 'silent'));
    expect(await days.isDone(SECOND_BACKFILL_MARKER)).toBe(true);
    expect(await days.days('minute:2024-02-29')).toEqual(['2024-02-29T08:00', '2024-02-29T08:01', '2024-02-29T23:59']);
    expect(await days.days('second:2024-02-29T08:00')).toEqual(['2024-02-29T08:00:00', '2024-02-29T08:00:30']);
    const newestFirst = ['legacy-order-4', 'legacy-order-3', 'legacy-order-2', 'legacy-order-1', 'legacy-order-0'];
    expect((await allPages({ createdTo: '2025-01-01T00:00:00Z', limit: 2 })).flat()).toEqual(newestFirst);
    expect((await allPages({ createdTo: '2025-01-01T00:00:00Z', limit: 1, sort: 'createdAt' })).flat()).toEqual([...newestFirst].reverse());
    expect(await ids({ createdFrom: '2024-02-29T08:00:45Z', createdTo: '2024-02-29T08:01:01Z' })).toEqual(['legacy-order-3', 'legacy-order-2']);
    await service.ctx.db.collection('orders').deleteMany({ _id: { $in: legacy.map((d) => d._id) } as never });
  });

  it('when a query parameter is wrong, then 422 names every bad parameter', async () => {
    const res = await list({ status: 'pending,lost', limit: 0, sort: 'name', createdFrom: 'yesterday', holdReason: 'bored', sku: 'a b', extra: 1 });
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    const paths = res.body.errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['status', 'limit', 'sort', 'createdFrom', 'holdReason', 'sku']));
    expect(res.body.errors.find((e: { path: string }) => e.path === 'status').message).toContain('lost');
    expect((await list({ limit: 201 })).status).toBe(422);
    expect((await list({ createdFrom: '2026-01-02T00:00:00Z', createdTo: '2026-01-01T00:00:00Z' })).body.errors).toEqual([
      { path: 'createdTo', message: 'must not be before createdFrom' },
    ]);
  });

  it('when a cursor was not made by the list, then 422 points at the cursor', async () => {
    for (const cursor of ['nonsense', Buffer.from('{"$gt":""}').toString('base64url'), Buffer.from('["x","y"]').toString('base64url')]) {
      const res = await list({ cursor });
      expect(res.status).toBe(422);
      expect(res.body.errors).toEqual([{ path: 'cursor', message: 'is not a cursor from this list' }]);
    }
  });

  it('when the service has started, then the compound indexes behind the list exist', async () => {
    const indexes = await service.ctx.db.collection('orders').listIndexes().toArray();
    const keys = indexes.map((i) => Object.keys(i.key).join(','));
    expect(keys).toEqual(
      expect.arrayContaining([
        'createdAt,_id',
        'createdDay,createdAt,_id',
        'createdSecond,createdAt,_id',
        'channel,createdAt,_id',
        'status,createdAt,_id',
        'channel,status,createdAt,_id',
        'customerEmail,createdAt,_id',
        'lines.sku,createdAt,_id',
        'holds.reason,createdAt,_id',
      ]),
    );
  });
});
