import type { Download } from '../data-access/upstreams';
import { queryString, type QueryDeps } from './deps';

export type ReportName = 'sales' | 'fulfillment' | 'returns' | 'cancellations';

/** A report as JSON (ops only: the caller checks); the query passed on as validated (the reports service checks the range). */
export const reportJson = (deps: QueryDeps, report: ReportName, query: Record<string, unknown>) =>
  deps.upstreams.reports.get(`/internal/reports/${report}?${queryString(query)}`);

/** A report as CSV: the reports service's bytes, type and file name, passed through. */
export const reportCsv = (deps: QueryDeps, report: ReportName, query: Record<string, unknown>): Promise<Download> =>
  deps.upstreams.reports.download(`/internal/reports/${report}?${queryString({ ...query, format: 'csv' })}`);
