import { z } from 'zod';
import { express, type Response } from '@oms/http';
import type { GatewayDeps } from '../../application/deps';
import { reportCsv, reportJson, type ReportName } from '../../application/report-queries';
import { apiRoute } from './api-route';
import { requireOps } from './auth';

const range = {
  from: z.iso.date().optional().describe('First day (UTC, YYYY-MM-DD, inclusive); default 29 days before to'),
  to: z.iso.date().optional().describe('Last day (UTC, inclusive; default today). At most 400 days from from'),
  interval: z.enum(['day', 'week', 'total']).optional().describe('Rows per day (default), ISO week (2026-W49) or one for the whole range'),
  format: z.enum(['json', 'csv']).optional().describe('csv: the rows as a CSV file with a header row (default json)'),
};
const salesQuery = z.object({
  ...range,
  by: z.enum(['channel', 'paymentMethod', 'shippingMethod', 'country', 'carrier']).optional().describe('The grouping (default channel)'),
});
const fulfillmentQuery = z.object(range);
const returnsQuery = z.object({ ...range, by: z.enum(['sku', 'reason']).optional().describe('Per SKU (default: sold, returned, rate) or per reason') });
const cancellationsQuery = z.object({ ...range, by: z.enum(['reason', 'channel']).optional().describe('The grouping (default reason)') });

// Owned by the reports service: documented loosely, its rows are that service's contract (docs/reports.md).
const report = (rows: string) =>
  z
    .object({ from: z.string(), to: z.string(), interval: z.string(), by: z.string().optional(), rows: z.array(z.object({ period: z.string() }).loose()) })
    .describe(rows);

const REPORTS: { name: ReportName; query: z.ZodObject; summary: string; rows: string }[] = [
  {
    name: 'sales',
    query: salesQuery,
    summary: 'Orders and sales per period by channel, payment method, shipping method, country or carrier (ops)',
    rows: 'Per period and group: orders, amounts per currency in minor units (amounts: [{currency, orders, amount}]), parcels by carrier',
  },
  {
    name: 'fulfillment',
    query: fulfillmentQuery,
    summary: 'Hand-overs per location: order-to-ship hours (mean, p50, p90) and on-time rate (ops)',
    rows: 'Per period and location: handedOver, meanHours, p50Hours, p90Hours, withShipBy, onTime, onTimeRate',
  },
  {
    name: 'returns',
    query: returnsQuery,
    summary: 'Return rate per SKU (units sold, returned), or returned units per reason (ops)',
    rows: 'Per period and SKU: sold, returned, returnRate; or per reason: units',
  },
  {
    name: 'cancellations',
    query: cancellationsQuery,
    summary: 'Cancelled orders per reason or channel (ops)',
    rows: 'Per period and reason (or channel): count',
  },
];

/** The reports (docs/reports.md): ops only; JSON, or a CSV download with format=csv. */
export function reportsRoutes(deps: GatewayDeps): express.Router {
  const router = express.Router();
  for (const { name, query, summary, rows } of REPORTS)
    apiRoute(router, {
      method: 'get',
      path: `/reports/${name}`,
      summary,
      tags: ['reports'],
      query,
      responses: { 200: { description: 'The report (JSON; with format=csv a text/csv attachment of the same rows)', schema: report(rows) } },
      handler: async (_req, res, input) => {
        requireOps(res);
        const q = input.query as Record<string, unknown>;
        if (q.format === 'csv') sendCsv(res, await reportCsv(deps, name, q), name);
        else res.json(await reportJson(deps, name, q));
      },
    });
  return router;
}

function sendCsv(res: Response, csv: { bytes: Buffer; contentDisposition?: string }, name: string): void {
  res.type('text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', csv.contentDisposition ?? `attachment; filename="${name}.csv"`);
  res.send(csv.bytes);
}
