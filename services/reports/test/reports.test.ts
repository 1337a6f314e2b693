import { randomUUID } from 'node:crypto';
import type { EventType, MessageData } from '@oms/contracts';
import type { RunningService } from '@oms/runtime';
import { TestBus, TestStack, eventually, sampleOrder } from '@oms/testing';
import { definition } from '../src/service';

describe('reports service (facts, per-day rollups, reports)', () => {
  let stack: TestStack;
  let service: RunningService<unknown>;
  let bus: TestBus;

  beforeAll(async () => {
    stack = await TestStack.create();
    // Every day before today is closed at once: the tests' past days get rollups on the first report.
    service = (await stack.start(definition, { REPORTS_ROLLUP_AFTER_HOURS: '0' })) as RunningService<unknown>;
    bus = await TestBus.open(stack.amqpUrl, []);
  });

  afterAll(async () => {
    await bus?.close();
    await stack?.cleanup();
  });

  const get = async (path: string) => {
    const res = await fetch(`${service.url}/internal/reports/${path}`);
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, body: res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : undefined };
  };
  const publish = <T extends EventType>(type: T, data: MessageData<T>) => bus.broker.publish(type, data, { correlationId: 'test' });
  const placed = (orderId: string, channel: string, receivedAt: string, unitPrice = 1000, sku = 'MUG') =>
    publish('order.received.v1', {
      orderId,
      order: sampleOrder({ channel, externalId: orderId, lines: [{ sku, quantity: 2, unitPrice }], shipping: { method: 'standard', price: 0 } }),
      receivedAt,
      actor: 'test',
    });
  const today = () => new Date().toISOString().slice(0, 10);
  const ordersOf = (rows: any[], key: string) => rows.filter((r) => r.key === key).reduce((n, r) => n + r.orders, 0);

  it('when an order event is delivered twice, then the order counts once, and a range over days with rollups equals the sum of its days', async () => {
    const channel = `ch-${randomUUID().slice(0, 8)}`;
    const days = ['2021-03-06', '2021-03-07', '2021-03-08']; // Saturday, Sunday (ISO week 9), Monday (week 10)
    const orders = [
      [`o-${randomUUID()}`, days[0], 1000],
      [`o-${randomUUID()}`, days[1], 2000],
      [`o-${randomUUID()}`, days[2], 3000],
      [`o-${randomUUID()}`, days[2], 500],
    ] as const;
    for (const [id, day, price] of orders) await placed(id, channel, `${day}T12:00:00.000Z`, price);
    await placed(orders[0][0], channel, `${days[0]}T12:00:00.000Z`, 1000); // redelivered: a second message, the same order

    const range = `from=${days[0]}&to=${days[2]}&by=channel`;
    const daily = await eventually(async () => {
      const { body } = await get(`sales?${range}&interval=day`);
      return ordersOf(body.rows, channel) === 4 ? body : undefined;
    });
    expect(daily.rows.filter((r: any) => r.key === channel).map((r: any) => [r.period, r.orders])).toEqual([
      [days[0], 1],
      [days[1], 1],
      [days[2], 2],
    ]);
    const amountOf = (r: any) => r.amounts.find((a: any) => a.currency === 'EUR').amount;
    const dailyAmount = daily.rows.filter((r: any) => r.key === channel).reduce((n: number, r: any) => n + amountOf(r), 0);
    expect(dailyAmount).toBeGreaterThanOrEqual(2 * (1000 + 2000 + 3000 + 500));

    // Read back from the stored rollups: the same figures, summed over the range and per ISO week.
    const total = (await get(`sales?${range}&interval=total`)).body.rows.find((r: any) => r.key === channel);
    expect(total).toMatchObject({ period: 'total', orders: 4 });
    expect(amountOf(total)).toBe(dailyAmount);
    const weekly = (await get(`sales?${range}&interval=week`)).body.rows.filter((r: any) => r.key === channel);
    expect(weekly.map((r: any) => [r.period, r.orders])).toEqual([
      ['2021-W09', 2],
      ['2021-W10', 2],
    ]);

    // A late order of a rolled-up day drops its rollup: the next report counts it.
    await placed(`o-${randomUUID()}`, channel, `${days[1]}T23:59:00.000Z`, 100);
    await eventually(async () => (await get(`sales?${range}&interval=total`)).body.rows.find((r: any) => r.key === channel)?.orders === 5);
  });

  it('when a report is asked as CSV, then it is text/csv with a header row, an attachment, and a line per group and currency', async () => {
    const channel = `csv-${randomUUID().slice(0, 8)}`;
    await placed(`o-${randomUUID()}`, channel, '2021-04-01T08:00:00.000Z', 1234);
    const csv = await eventually(async () => {
      const res = await get('sales?from=2021-04-01&to=2021-04-01&by=channel&format=csv');
      return res.text.includes(channel) ? res : undefined;
    });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toBe('attachment; filename="sales-by-channel_2021-04-01_2021-04-01.csv"');
    const lines = csv.text.trimEnd().split('\r\n');
    expect(lines[0]).toBe('period,channel,orders,currency,currency_orders,amount_minor');
    expect(lines.find((l) => l.includes(channel))).toMatch(new RegExp(`^2021-04-01,${channel},1,EUR,1,\\d+$`));
  });

  it('when orders are cancelled, then today’s report counts them per reason and per channel, from the live facts', async () => {
    const channel = `cx-${randomUUID().slice(0, 8)}`;
    const reason = `reason-${randomUUID().slice(0, 8)}`;
    const orderId = `o-${randomUUID()}`;
    await publish('order.status-changed.v1', { orderId, channel, from: 'pending', to: 'cancelled', reason });
    await publish('order.status-changed.v1', { orderId, channel, from: 'pending', to: 'cancelled', reason }); // the same cancellation again
    await publish('order.status-changed.v1', { orderId: `o-${randomUUID()}`, channel, from: 'pending', to: 'on_hold' }); // not a cancellation
    const byReason = await eventually(async () => (await get(`cancellations?from=${today()}&to=${today()}`)).body.rows.find((r: any) => r.key === reason));
    expect(byReason).toEqual({ period: today(), key: reason, count: 1 });
    const byChannel = (await get(`cancellations?from=${today()}&to=${today()}&by=channel`)).body.rows.find((r: any) => r.key === channel);
    expect(byChannel).toEqual({ period: today(), key: channel, count: 1 });
  });

  it('when orders are handed over and returned, then the location’s ship times and on-time rate and the SKU’s return rate are reported', async () => {
    const location = `wh-${randomUUID().slice(0, 8)}`;
    const sku = `SKU-${randomUUID().slice(0, 8)}`;
    const [late, early] = [`o-${randomUUID()}`, `o-${randomUUID()}`];
    const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
    await placed(late, 'shop', hourAgo, 1000, sku);
    await placed(early, 'shop', hourAgo, 1000, sku);
    // Each hand-over reads its order's fact: wait until both orders are counted.
    await eventually(async () => {
      const rows = (await get(`returns?from=${today()}&to=${today()}`)).body.rows;
      return rows.find((r: any) => r.sku === sku)?.sold === 4;
    });
    const inAnHour = new Date(Date.now() + 3_600_000).toISOString();
    await publish('fulfillment.handed-over.v1', { orderId: early, fulfillmentId: `f-${early}`, locationId: location, actor: 'dock', shipBy: inAnHour });
    await publish('fulfillment.handed-over.v1', { orderId: late, fulfillmentId: `f-${late}`, locationId: location, actor: 'dock', shipBy: hourAgo });
    const row = await eventually(async () =>
      (await get(`fulfillment?to=${today()}&interval=total`)).body.rows.find((r: any) => r.locationId === location && r.handedOver === 2),
    );
    expect(row).toMatchObject({ withShipBy: 2, onTime: 1, onTimeRate: 0.5, p50Hours: 1.1, p90Hours: 1.1 });
    expect(row.meanHours).toBeGreaterThanOrEqual(1);
    expect(row.meanHours).toBeLessThan(1.1);

    await publish('return.opened.v1', { orderId: early, returnId: `r-${early}`, lines: [{ sku, quantity: 1, reason: 'damaged' }] });
    const returned = await eventually(async () =>
      (await get(`returns?from=${today()}&to=${today()}&interval=total`)).body.rows.find((r: any) => r.sku === sku && r.returned === 1),
    );
    expect(returned).toEqual({ period: 'total', sku, sold: 4, returned: 1, returnRate: 0.25 });
    const reasons = (await get(`returns?from=${today()}&to=${today()}&interval=total&by=reason`)).body.rows;
    expect(reasons.find((r: any) => r.reason === 'damaged').units).toBeGreaterThanOrEqual(1);
  });

  it('when the query is bad, then the answer is 422 problem+json naming each field, never a 5xx', async () => {
    const bad = await get('sales?from=2026-13-01&interval=month&by=colour&extra=1');
    expect(bad.status).toBe(422);
    expect(bad.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(bad.body.errors.map((e: any) => e.path).sort()).toEqual(['(root)', 'by', 'from', 'interval']); // (root): the unknown parameter `extra`
    const backwards = await get('cancellations?from=2026-12-07&to=2026-12-01');
    expect(backwards.status).toBe(422);
    expect(backwards.body.errors).toEqual([{ path: 'from', message: 'must not be after to (2026-12-01)' }]);
    const tooLong = await get('returns?from=2020-01-01&to=2021-12-31');
    expect(tooLong.status).toBe(422);
    expect(tooLong.body.errors).toEqual([{ path: 'to', message: 'at most 400 days from from (2020-01-01)' }]);
  });
});
