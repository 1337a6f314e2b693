import type { CsvValue } from './csv';
import { percentileHours } from './histogram';
import { periodOf, type Interval } from './periods';
import {
  mergeCancellations,
  mergeFulfillment,
  mergeReturns,
  mergeSales,
  type Amount,
  type CancellationsRollup,
  type FulfillmentRollup,
  type ReturnsRollup,
  type Rollups,
  type SalesDimension,
} from './rollups';

/** The reports: each day's rollup merged into periods (days, ISO weeks or the whole range), one row per period and group. */

export interface DayRollup<R> {
  day: string;
  rollup: R;
}

/** A report as rows of one shape, ready for JSON, and the same as CSV lines under a header. */
export interface Report<Row> {
  rows: Row[];
  csvHeader: string[];
  csvLines: CsvValue[][];
}

/** The days' rollups merged per period, periods in order. */
function perPeriod<R>(days: DayRollup<R>[], interval: Interval, merge: (rs: R[]) => R): [string, R][] {
  const periods = new Map<string, R[]>();
  for (const { day, rollup } of [...days].sort((a, b) => (a.day < b.day ? -1 : 1))) {
    const period = periodOf(day, interval);
    periods.set(period, [...(periods.get(period) ?? []), rollup]);
  }
  return [...periods].map(([period, rs]) => [period, merge(rs)]);
}

export interface SalesRow {
  period: string;
  key: string;
  orders: number;
  parcels?: number;
  amounts: Amount[];
}

export function salesReport(days: DayRollup<Rollups['sales']>[], interval: Interval, by: SalesDimension): Report<SalesRow> {
  const rows = perPeriod(days, interval, mergeSales).flatMap(([period, r]) => r[by].map((g) => ({ period, ...g })));
  const withParcels = by === 'carrier';
  return {
    rows,
    csvHeader: ['period', by, 'orders', ...(withParcels ? ['parcels'] : []), 'currency', 'currency_orders', 'amount_minor'],
    // One line per currency: amounts of different currencies never add up.
    csvLines: rows.flatMap((r) => {
      const head = [r.period, r.key, r.orders, ...(withParcels ? [r.parcels ?? 0] : [])];
      return r.amounts.length === 0 ? [[...head, '', '', '']] : r.amounts.map((a) => [...head, a.currency, a.orders, a.amount]);
    }),
  };
}

export interface FulfillmentRow {
  period: string;
  locationId: string;
  handedOver: number;
  /** Order-to-ship hours: mean (2 decimals), and p50/p90 (to the tenth of an hour, upper edge); null without times. */
  meanHours: number | null;
  p50Hours: number | null;
  p90Hours: number | null;
  /** Hand-overs with a ship-by time, those on time, and the share (4 decimals; null without any). */
  withShipBy: number;
  onTime: number;
  onTimeRate: number | null;
}

export function fulfillmentReport(days: DayRollup<FulfillmentRollup>[], interval: Interval): Report<FulfillmentRow> {
  const rows = perPeriod(days, interval, mergeFulfillment).flatMap(([period, r]) =>
    r.location.map((g) => ({
      period,
      locationId: g.key,
      handedOver: g.handedOver,
      meanHours: g.timed > 0 ? round(g.shipMsSum / g.timed / 3_600_000, 2) : null,
      p50Hours: percentileHours(g.histogram, 0.5),
      p90Hours: percentileHours(g.histogram, 0.9),
      withShipBy: g.withShipBy,
      onTime: g.onTime,
      onTimeRate: g.withShipBy > 0 ? round(g.onTime / g.withShipBy, 4) : null,
    })),
  );
  const header = ['period', 'locationId', 'handedOver', 'meanHours', 'p50Hours', 'p90Hours', 'withShipBy', 'onTime', 'onTimeRate'] as const;
  return { rows, csvHeader: [...header], csvLines: rows.map((r) => header.map((h) => r[h])) };
}

export interface ReturnsSkuRow {
  period: string;
  sku: string;
  sold: number;
  returned: number;
  /** returned / sold (4 decimals); null when none were sold in the period. */
  returnRate: number | null;
}
export interface ReturnsReasonRow {
  period: string;
  reason: string;
  units: number;
}

export function returnsReport(days: DayRollup<ReturnsRollup>[], interval: Interval, by: 'sku' | 'reason'): Report<ReturnsSkuRow | ReturnsReasonRow> {
  const periods = perPeriod(days, interval, mergeReturns);
  if (by === 'reason') {
    const rows = periods.flatMap(([period, r]) => r.reason.map((g) => ({ period, reason: g.key, units: g.count })));
    return { rows, csvHeader: ['period', 'reason', 'units'], csvLines: rows.map((r) => [r.period, r.reason, r.units]) };
  }
  const rows = periods.flatMap(([period, r]) =>
    r.sku.map((g) => ({ period, sku: g.key, sold: g.sold, returned: g.returned, returnRate: g.sold > 0 ? round(g.returned / g.sold, 4) : null })),
  );
  return {
    rows,
    csvHeader: ['period', 'sku', 'sold', 'returned', 'returnRate'],
    csvLines: rows.map((r) => [r.period, r.sku, r.sold, r.returned, r.returnRate]),
  };
}

export interface CancellationRow {
  period: string;
  key: string;
  count: number;
}

export function cancellationsReport(days: DayRollup<CancellationsRollup>[], interval: Interval, by: 'reason' | 'channel'): Report<CancellationRow> {
  const rows = perPeriod(days, interval, mergeCancellations).flatMap(([period, r]) => r[by].map((g) => ({ period, key: g.key, count: g.count })));
  return { rows, csvHeader: ['period', by, 'count'], csvLines: rows.map((r) => [r.period, r.key, r.count]) };
}

const round = (n: number, decimals: number): number => Math.round(n * 10 ** decimals) / 10 ** decimals;
