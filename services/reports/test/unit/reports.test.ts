import { sampleOrder } from '@oms/testing';
import { toCsv } from '../../src/domain/csv';
import { cancellationFact, handOverFact, orderFact, parcelFact, returnFact, type Fact } from '../../src/domain/facts';
import { addHistograms, bucketOf, percentileHours } from '../../src/domain/histogram';
import { daysBetween, isClosed, isoWeekOf, periodOf } from '../../src/domain/periods';
import { cancellationsReport, fulfillmentReport, returnsReport, salesReport } from '../../src/domain/reports';
import { rollUp } from '../../src/domain/rollups';

const HOUR = 3_600_000;
const order = (id: string, day: string, over: { channel?: string; currency?: string; unitPrice?: number; sku?: string; quantity?: number } = {}) =>
  orderFact(
    id,
    sampleOrder({
      channel: over.channel ?? 'web',
      currency: over.currency ?? 'EUR',
      lines: [{ sku: over.sku ?? 'MUG', quantity: over.quantity ?? 1, unitPrice: over.unitPrice ?? 1000 }],
    }),
    `${day}T10:00:00.000Z`,
  );
/** One day's rollups, as the store keeps them. */
const days = (byDay: Record<string, Fact[]>) => Object.entries(byDay).map(([day, facts]) => ({ day, rollups: rollUp(facts) }));

describe('periods', () => {
  it('when days are put in ISO weeks, then weeks start on Monday and the first week holds the first Thursday', () => {
    expect(isoWeekOf('2026-12-07')).toBe('2026-W50'); // a Monday
    expect(isoWeekOf('2026-12-13')).toBe('2026-W50'); // its Sunday
    expect(isoWeekOf('2027-01-01')).toBe('2026-W53'); // a Friday: still the last week of 2026
    expect(isoWeekOf('2025-12-29')).toBe('2026-W01'); // a Monday of the week with 1 January 2026 (a Thursday)
    expect(periodOf('2026-12-07', 'total')).toBe('total');
  });

  it('when a range is listed, then both ends are in it, across a month and a leap day', () => {
    expect(daysBetween('2024-02-28', '2024-03-01')).toEqual(['2024-02-28', '2024-02-29', '2024-03-01']);
    expect(daysBetween('2026-12-07', '2026-12-06')).toEqual([]);
  });

  it('when a day ended less than the delay ago, then it is not closed yet', () => {
    expect(isClosed('2026-12-06', new Date('2026-12-07T01:59:00Z'), 2)).toBe(false);
    expect(isClosed('2026-12-06', new Date('2026-12-07T02:00:00Z'), 2)).toBe(true);
    expect(isClosed('2026-12-07', new Date('2026-12-07T23:00:00Z'), 0)).toBe(false);
  });
});

describe('facts', () => {
  it('when an order becomes a fact, then its id is the order’s, its day and week are UTC, its total integer minor units and its SKUs summed', () => {
    const o = orderFact(
      'o1',
      sampleOrder({
        lines: [
          { sku: 'A', quantity: 1, unitPrice: 1999 },
          { sku: 'A', quantity: 2, unitPrice: 1999 },
        ],
      }),
      '2026-12-06T23:30:00.000-02:00',
    );
    expect(o).toMatchObject({ _id: 'order:o1', day: '2026-12-07', week: '2026-W50', lines: [{ sku: 'A', quantity: 3 }] });
    expect(Number.isInteger(o.total)).toBe(true);
    expect(o.total).toBeGreaterThanOrEqual(3 * 1999);
  });

  it('when a hand-over becomes a fact, then it has its time from the order and whether it met the ship-by time', () => {
    const received = new Date('2026-12-07T08:00:00Z');
    const fact = { orderId: 'o1', fulfillmentId: 'f1', locationId: 'berlin', shipBy: '2026-12-07T12:00:00Z' };
    expect(handOverFact(fact, '2026-12-07T11:00:00Z', received)).toMatchObject({ _id: 'handover:f1', shipMs: 3 * HOUR, onTime: true });
    expect(handOverFact(fact, '2026-12-07T13:00:00Z', received)).toMatchObject({ onTime: false });
    const bare = handOverFact({ orderId: 'o1', fulfillmentId: 'f1', locationId: 'berlin' }, '2026-12-07T13:00:00Z', undefined);
    expect(bare).not.toHaveProperty('shipMs');
    expect(bare).not.toHaveProperty('onTime');
  });
});

describe('rollups and reports', () => {
  const eur = { currency: 'EUR' };
  it('when a day’s orders are rolled up by channel, then counts and amounts are per currency, never mixed', () => {
    const facts = [
      order('o1', '2026-12-01', { unitPrice: 1000 }),
      order('o2', '2026-12-01', { unitPrice: 500 }),
      order('o3', '2026-12-01', { currency: 'USD' }),
    ];
    const [{ rollups }] = days({ '2026-12-01': facts });
    const [web] = rollups.sales.channel;
    expect(web.orders).toBe(3);
    expect(web.amounts.map((a) => [a.currency, a.orders])).toEqual([
      ['EUR', 2],
      ['USD', 1],
    ]);
    expect(web.amounts[0].amount).toBe(facts[0].total + facts[1].total);
  });

  it('when a range is reported per week or in total, then it equals the sum of its days', () => {
    const input = days({
      '2026-12-06': [order('a', '2026-12-06'), order('b', '2026-12-06', { channel: 'shop' })], // a Sunday, W49
      '2026-12-07': [order('c', '2026-12-07')], // the next Monday, W50
      '2026-12-08': [order('d', '2026-12-08')],
    }).map(({ day, rollups }) => ({ day, rollup: rollups.sales }));
    const weekly = salesReport(input, 'week', 'channel').rows.map((r) => [r.period, r.key, r.orders]);
    expect(weekly).toEqual([
      ['2026-W49', 'shop', 1],
      ['2026-W49', 'web', 1],
      ['2026-W50', 'web', 2],
    ]);
    const total = salesReport(input, 'total', 'channel').rows;
    expect(total.map((r) => [r.key, r.orders])).toEqual([
      ['shop', 1],
      ['web', 3],
    ]);
    const daily = salesReport(input, 'day', 'channel').rows.filter((r) => r.key === 'web');
    expect(total[1].amounts[0].amount).toBe(daily.reduce((n, r) => n + r.amounts[0].amount, 0));
  });

  it('when parcels are booked, then a carrier counts its parcels and each order they belong to once, with its money', () => {
    const o = order('o1', '2026-12-01');
    const parcels = [1, 2].map((n) => parcelFact({ orderId: 'o1', shipmentId: `s${n}`, carrierId: 'dhl' }, '2026-12-01T12:00:00Z', o));
    const [{ rollups }] = days({ '2026-12-01': [o, ...parcels] });
    expect(rollups.sales.carrier).toEqual([{ key: 'dhl', orders: 1, parcels: 2, amounts: [{ ...eur, orders: 1, amount: o.total }] }]);
  });

  it('when hand-overs are reported, then mean, percentiles and on-time rate come from the merged days', () => {
    const handOver = (id: string, day: string, hours: number, onTime: boolean) =>
      handOverFact(
        { orderId: id, fulfillmentId: id, locationId: 'berlin', shipBy: onTime ? '2099-01-01T00:00:00Z' : '2000-01-01T00:00:00Z' },
        `${day}T00:00:00Z`,
        new Date(Date.parse(`${day}T00:00:00Z`) - hours * HOUR),
      );
    const input = days({
      '2026-12-01': [handOver('f1', '2026-12-01', 1, true), handOver('f2', '2026-12-01', 2, true)],
      '2026-12-02': [handOver('f3', '2026-12-02', 3, false), handOver('f4', '2026-12-02', 10, true)],
    }).map(({ day, rollups }) => ({ day, rollup: rollups.fulfillment }));
    expect(fulfillmentReport(input, 'total').rows).toEqual([
      { period: 'total', locationId: 'berlin', handedOver: 4, meanHours: 4, p50Hours: 2.1, p90Hours: 10.1, withShipBy: 4, onTime: 3, onTimeRate: 0.75 },
    ]);
  });

  it('when returns are reported, then the rate is returned over sold per SKU, and units are counted per reason', () => {
    const input = days({
      '2026-12-01': [
        order('o1', '2026-12-01', { sku: 'MUG', quantity: 4 }),
        returnFact({ orderId: 'o1', returnId: 'r1', lines: [{ sku: 'MUG', quantity: 1, reason: 'damaged' }] }, '2026-12-01T20:00:00Z'),
      ],
      '2026-12-02': [returnFact({ orderId: 'o9', returnId: 'r2', lines: [{ sku: 'CUP', quantity: 2, reason: 'too.small' }] }, '2026-12-02T20:00:00Z')],
    }).map(({ day, rollups }) => ({ day, rollup: rollups.returns }));
    expect(returnsReport(input, 'total', 'sku').rows).toEqual([
      { period: 'total', sku: 'CUP', sold: 0, returned: 2, returnRate: null },
      { period: 'total', sku: 'MUG', sold: 4, returned: 1, returnRate: 0.25 },
    ]);
    expect(returnsReport(input, 'total', 'reason').rows).toEqual([
      { period: 'total', reason: 'damaged', units: 1 },
      { period: 'total', reason: 'too.small', units: 2 },
    ]);
  });

  it('when cancellations are reported, then they count per reason or per channel', () => {
    const input = days({
      '2026-12-01': [
        cancellationFact({ orderId: 'o1', channel: 'web', reason: 'customer' }, '2026-12-01T10:00:00Z'),
        cancellationFact({ orderId: 'o2', channel: 'shop', reason: 'customer' }, '2026-12-01T11:00:00Z'),
        cancellationFact({ orderId: 'o3' }, '2026-12-01T11:00:00Z'),
      ],
    }).map(({ day, rollups }) => ({ day, rollup: rollups.cancellations }));
    expect(cancellationsReport(input, 'day', 'reason').rows).toEqual([
      { period: '2026-12-01', key: 'customer', count: 2 },
      { period: '2026-12-01', key: 'unspecified', count: 1 },
    ]);
    expect(cancellationsReport(input, 'day', 'channel').rows.map((r) => r.key)).toEqual(['shop', 'unknown', 'web']);
  });

  it('when a sales report is exported, then each currency is a line of its own under the header', () => {
    const input = days({ '2026-12-01': [order('o1', '2026-12-01', { unitPrice: 1000 }), order('o2', '2026-12-01', { currency: 'USD' })] }).map(
      ({ day, rollups }) => ({
        day,
        rollup: rollups.sales,
      }),
    );
    const report = salesReport(input, 'day', 'channel');
    const lines = toCsv(report.csvHeader, report.csvLines).trimEnd().split('\r\n');
    expect(lines[0]).toBe('period,channel,orders,currency,currency_orders,amount_minor');
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 5).join(','))).toEqual(['2026-12-01,web,2,EUR,1', '2026-12-01,web,2,USD,1']);
  });
});

describe('histogram and CSV', () => {
  it('when percentiles are read from a histogram, then they are the upper edge of the bucket of the nearest rank', () => {
    const h = addHistograms([{ bucket: bucketOf(0.05 * HOUR), count: 9 }], [{ bucket: bucketOf(5 * HOUR), count: 1 }]);
    expect(percentileHours(h, 0.5)).toBe(0.1);
    expect(percentileHours(h, 0.9)).toBe(0.1);
    expect(percentileHours(h, 1)).toBe(5.1);
    expect(percentileHours([], 0.5)).toBeNull();
  });

  it('when a field holds a comma, a quote, a line break or starts like a formula, then it is quoted (and a formula defused)', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          ['x,y', 'say "hi"'],
          ['line\nbreak', '=SUM(A1)'],
          [-5, null],
        ],
      ),
    ).toBe('a,b\r\n"x,y","say ""hi"""\r\n"line\nbreak","\'=SUM(A1)"\r\n-5,\r\n');
  });
});
