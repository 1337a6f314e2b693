import type { Download } from '../data-access/upstreams';
import type { QueryDeps } from './deps';

export type ReportName = 'sales' | 'fulfillment' | 'returns' | 'cancellations';

/** The query a report was asked with, passed on as it was validated (the reports service checks the range). */
const queryString = (query: Record<string, unknown>) =>
  new URLSearchParams(Object.entries(query).flatMap(([k, v]): [string, string][] => (v === undefined ? [] : [[k, String(v)]]))).toString();

/** A report as JSON (ops only: the caller checks). */
export const reportJson = (deps: QueryDeps, report: ReportName, query: Record<string, unknown>) =>
  deps.upstreams.reports.get(`/internal/reports/${report}?${queryString(query)}`);

/** A report as CSV: the reports service's bytes, type and file name, passed through. */
export const reportCsv = (deps: QueryDeps, report: ReportName, query: Record<string, unknown>): Promise<Download> =>
  deps.upstreams.reports.download(`/internal/reports/${report}?${queryString({ ...query, format: 'csv' })}`);
