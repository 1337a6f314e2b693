import { unprocessable, type FieldError } from '@oms/errors';
import { toCsv } from '../domain/csv';
import { addDays, daysBetween, type Interval } from '../domain/periods';
import { cancellationsReport, fulfillmentReport, returnsReport, salesReport, type Report } from '../domain/reports';
import type { SalesDimension } from '../domain/rollups';
import { dayRollups } from './day-rollups';
import type { ReportsDeps } from './reports-deps';

/** The longest range one report covers: a year and a bit, so that a year compared with itself fits. */
export const MAX_DAYS = 400;
/** Without `from`, a report covers this many days up to `to` (default today). */
export const DEFAULT_DAYS = 30;

export interface ReportQuery {
  from?: string;
  to?: string;
  interval: Interval;
}

/** The days a query covers; 422 naming the fields when they do not make a range. */
export function rangeOf(query: ReportQuery, now: Date): { from: string; to: string } {
  const to = query.to ?? now.toISOString().slice(0, 10);
  const from = query.from ?? addDays(to, -(DEFAULT_DAYS - 1));
  const errors: FieldError[] = [];
  if (from > to) errors.push({ path: 'from', message: `must not be after to (${to})` });
  else if (daysBetween(from, to).length > MAX_DAYS) errors.push({ path: 'to', message: `at most ${MAX_DAYS} days from from (${from})` });
  if (errors.length > 0) throw unprocessable('The query is invalid', errors);
  return { from, to };
}

/** A report's answer: the rows as JSON, or the same as CSV. */
export interface ReportAnswer<Row> {
  json: { from: string; to: string; interval: Interval; by?: string; rows: Row[] };
  csv: () => string;
}

function answer<Row>(range: { from: string; to: string }, interval: Interval, by: string | undefined, report: Report<Row>): ReportAnswer<Row> {
  return {
    json: { ...range, interval, ...(by ? { by } : {}), rows: report.rows },
    csv: () => toCsv(report.csvHeader, report.csvLines),
  };
}

export async function sales(deps: ReportsDeps, query: ReportQuery & { by: SalesDimension }) {
  const range = rangeOf(query, deps.now());
  return answer(range, query.interval, query.by, salesReport(await dayRollups(deps, 'sales', range.from, range.to), query.interval, query.by));
}

export async function fulfillment(deps: ReportsDeps, query: ReportQuery) {
  const range = rangeOf(query, deps.now());
  return answer(range, query.interval, undefined, fulfillmentReport(await dayRollups(deps, 'fulfillment', range.from, range.to), query.interval));
}

export async function returns(deps: ReportsDeps, query: ReportQuery & { by: 'sku' | 'reason' }) {
  const range = rangeOf(query, deps.now());
  return answer(range, query.interval, query.by, returnsReport(await dayRollups(deps, 'returns', range.from, range.to), query.interval, query.by));
}

export async function cancellations(deps: ReportsDeps, query: ReportQuery & { by: 'reason' | 'channel' }) {
  const range = rangeOf(query, deps.now());
  const days = await dayRollups(deps, 'cancellations', range.from, range.to);
  return answer(range, query.interval, query.by, cancellationsReport(days, query.interval, query.by));
}
