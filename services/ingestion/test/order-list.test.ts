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
    // A burst: 40 orders in four seconds, so the day, its hour, ten minutes and minute are busy and the list
    // reads this day one second at a time (TimeBuckets marks a bucket busy after 25 orders).
    for (let i = 0; i < 40; i++) {
      const at = new Date(Date.UTC(2026, 0, 4, 8, 0, Math.floor(i / 10), (i % 10) * 7)).toISOString();
      await receive(sampleOrder({ externalId: `WS-BURST-${i}`, customer: { email: `burst${i}@example.com`, name: 'Burst Buyer' } }), at);
    }
    await eventually(async () => (await list({ limit: 200 })).body.items?.length === all.length, 30000);
    // A fresh database has nothing to backfill: from here on the lists walk time buckets.
    const { orderDays, LIST_FIELDS_BACKFILL_MARKER } = await import('../src/data-access/order-days');
    await eventually(() => orderDays(service.ctx.db).isDone(LIST_FIELDS_BACKFILL_MARKER), 10000);
  }, 60000);
  afterAll(async () => {
    await broker.close();
    await stack.cleanup();
  });

  it('when every page is read newest first, then each order appears exactly once, in order, with no gaps', async () => {
    const pages = await allPages({ limit: 7 });
    expect(pages.map((p) => p.length)).toEqual([...Array(Math.floor(all.length / 7)).fill(7), all.length % 7]);
    expect(pages.flat()).toEqual(byTime(-1));
  });

  it('when a day is busy, then it is read bucket by bucket down to seconds, and pages still join without gaps', async () => {
    const { orderDays } = await import('../src/data-access/order-days');
    const days = orderDays(service.ctx.db);
    expect((await days.buckets('day')).busy).toEqual(new Set(['2026-01-04']));
    expect((await days.buckets('in:2026-01-04T08:0')).busy).toEqual(new Set(['2026-01-04T08:00']));
    expect((await days.buckets('in:2026-01-04T08:00')).buckets).toEqual([
      '2026-01-04T08:00:00',
      '2026-01-04T08:00:01',
      '2026-01-04T08:00:02',
      '2026-01-04T08:00:03',
    ]);
    // The day of 20 orders a minute apart is not busy: one query reads it.
    expect((await days.buckets('in:2026-01-01')).busy.size).toBe(0);
    const burst = { createdFrom: '2026-01-04T00:00:00Z', createdTo: '2026-01-05T00:00:00Z' };
    const pages = await allPages({ ...burst, limit: 6, sort: 'createdAt' });
    expect(pages.flat()).toEqual(byTime(1).filter((id) => all.find((o) => o.id === id)!.createdAt.startsWith('2026-01-04')));
    expect(pages.flat()).toHaveLength(40);
    expect((await allPages({ ...burst, limit: 9 })).flat()).toEqual([...pages.flat()].reverse());
  });

  it('when every page is read oldest first, then each order appears exactly once, in order, with no gaps', async () => {
    const pages = await allPages({ limit: 5, sort: 'createdAt' });
    expect(pages.flat()).toEqual(byTime(1));
    expect(new Set(pages.flat()).size).toBe(all.length);
  });

  it("when no limit is given, then 50 at most come back, without timelines or the store's own fields", async () => {
    const res = await list({});
    expect(res.body.items).toHaveLength(50);
    expect(res.body.nextCursor).toEqual(expect.any(String));
    const outlet = (await list({ channel: 'outlet' })).body.items[0];
    expect(outlet).toMatchObject({ id: special.outlet, channel: 'outlet', status: 'pending' });
    for (const field of ['timeline', 'customerEmail', 'createdDay', 'createdBuckets', 'skus', 'holdReasons', 'processed', 'sent'])
      expect(outlet).not.toHaveProperty(field);
    expect((await list({ createdTo: '2026-01-04T00:00:00Z', limit: 200 })).body.nextCursor).toBeNull();
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

  it('when the text is an external id exactly, then that order comes back, not the others containing it', async () => {
    const burst1 = deterministicId('order', 'webshop', 'WS-BURST-1');
    expect(await ids({ q: 'WS-BURST-1', limit: 200 })).toEqual([burst1]);
    expect(await ids({ q: 'ws-burst-1', limit: 200 })).toHaveLength(11); // not exact: WS-BURST-1, WS-BURST-10..19
    expect(await ids({ q: 'WS-BURST-1', status: 'cancelled' })).toEqual([]);
    expect(await ids({ q: 'OUT-1', channels: 'webshop' })).toEqual([]);
  });

  it('when the caller may see some channels only, then other channels’ orders are never listed', async () => {
    expect(await ids({ channels: 'outlet', limit: 200 })).toEqual([special.outlet]);
    expect(await ids({ channels: 'outlet', channel: 'webshop' })).toEqual([]);
    expect(await ids({ channels: 'outlet,elsewhere', q: 'buyer' })).toEqual([]);
    expect(await ids({ channels: 'webshop', limit: 200 })).toHaveLength(all.length - 1);
  });

  it('when orders were stored before they had their list fields, then the backfill gives them buckets, SKUs and hold reasons and lists show them', async () => {
    const { backfillListFields } = await import('../src/data-access/list-fields-backfill');
    const { orderDays, LIST_FIELDS_BACKFILL_MARKER } = await import('../src/data-access/order-days');
    const { OrderRepository } = await import('../src/data-access/order-repository');
    const days = orderDays(service.ctx.db);
    const template = await service.ctx.db.collection('orders').findOne({ _id: special.mixed as never });
    // Five legacy orders on one day, in three minutes (two share a millisecond), none noted anywhere, one on hold.
    const times = ['2024-02-29T08:00:00.000Z', '2024-02-29T08:00:30.000Z', '2024-02-29T08:01:00.000Z', '2024-02-29T08:01:00.000Z', '2024-02-29T23:59:59.999Z'];
    const legacy = times.map((createdAt, i) => {
      const doc: Record<string, unknown> = { ...template, _id: `legacy-order-${i}`, externalId: `WS-LEGACY-${i}`, createdAt };
      for (const field of ['createdDay', 'createdSecond', 'createdBuckets', 'skus', 'holdReasons']) delete doc[field];
      if (i === 4) Object.assign(doc, { status: 'on_hold', holds: [{ reason: 'address_invalid', detail: 'legacy', at: createdAt }] });
      return doc;
    });
    await service.ctx.db.collection('orders').insertMany(legacy as never[]);
    expect(await ids({ createdTo: '2025-01-01T00:00:00Z' })).toEqual([]);

    await days.model.deleteOne({ _id: `marker:${LIST_FIELDS_BACKFILL_MARKER}` });
    const store = service.ctx.aggregates<OrderDocument>({ model: service.ctx.db.model('Order'), lockKey: (id: string) => `order:${id}` });
    await backfillListFields(store, new OrderRepository(store.model as never, days), createLogger('test', 'silent'));
    expect(await days.isDone(LIST_FIELDS_BACKFILL_MARKER)).toBe(true);
    expect(await days.days('in:2024-02-29')).toEqual(['2024-02-29T08', '2024-02-29T23']);
    expect(await days.days('in:2024-02-29T08:0')).toEqual(['2024-02-29T08:00', '2024-02-29T08:01']);
    expect(await days.days('sku:CAP.RED')).toEqual(['2024-02-29', '2026-01-02']);
    const newestFirst = ['legacy-order-4', 'legacy-order-3', 'legacy-order-2', 'legacy-order-1', 'legacy-order-0'];
    expect((await allPages({ createdTo: '2025-01-01T00:00:00Z', limit: 2 })).flat()).toEqual(newestFirst);
    expect((await allPages({ createdTo: '2025-01-01T00:00:00Z', limit: 1, sort: 'createdAt' })).flat()).toEqual([...newestFirst].reverse());
    expect(await ids({ createdFrom: '2024-02-29T08:00:45Z', createdTo: '2024-02-29T08:01:01Z' })).toEqual(['legacy-order-3', 'legacy-order-2']);
    expect(await ids({ sku: 'CAP.RED', limit: 200 })).toEqual([special.mixed, ...newestFirst]);
    expect(await ids({ holdReason: 'address_invalid' })).toEqual(['legacy-order-4']);
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
        'createdBuckets,createdAt,_id',
        'channel,createdAt,_id',
        'status,createdAt,_id',
        'channel,status,createdAt,_id',
        'customerEmail,createdAt,_id',
        'skus,createdAt,_id',
        'holdReasons,createdAt,_id',
      ]),
    );
  });
});
