import { z } from 'zod';
import { parseOrThrow } from '@oms/errors';
import type { Express, Response } from '@oms/http';
import { cancellations, fulfillment, returns, sales, type ReportAnswer } from '../../application/report-queries';
import type { ReportsDeps } from '../../application/reports-deps';
import { SALES_DIMENSIONS } from '../../domain/rollups';

const common = {
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
  interval: z.enum(['day', 'week', 'total']).default('day'),
  format: z.enum(['json', 'csv']).default('json'),
};
const salesQuery = z.strictObject({ ...common, by: z.enum(SALES_DIMENSIONS).default('channel') });
const fulfillmentQuery = z.strictObject(common);
const returnsQuery = z.strictObject({ ...common, by: z.enum(['sku', 'reason']).default('sku') });
const cancellationsQuery = z.strictObject({ ...common, by: z.enum(['reason', 'channel']).default('reason') });

/** The reports for the gateway (internal port only): JSON, or CSV with `format=csv`. */
export function reportRoutes(deps: ReportsDeps) {
  return (app: Express) => {
    app.get('/internal/reports/sales', async (req, res) => {
      const q = parseOrThrow(salesQuery, req.query, 'query');
      send(res, `sales-by-${q.by}`, q.format, await sales(deps, q));
    });
    app.get('/internal/reports/fulfillment', async (req, res) => {
      const q = parseOrThrow(fulfillmentQuery, req.query, 'query');
      send(res, 'fulfillment', q.format, await fulfillment(deps, q));
    });
    app.get('/internal/reports/returns', async (req, res) => {
      const q = parseOrThrow(returnsQuery, req.query, 'query');
      send(res, `returns-by-${q.by}`, q.format, await returns(deps, q));
    });
    app.get('/internal/reports/cancellations', async (req, res) => {
      const q = parseOrThrow(cancellationsQuery, req.query, 'query');
      send(res, `cancellations-by-${q.by}`, q.format, await cancellations(deps, q));
    });
  };
}

function send(res: Response, name: string, format: 'json' | 'csv', report: ReportAnswer<unknown>): void {
  if (format === 'json') {
    res.json(report.json);
    return;
  }
  const { from, to } = report.json;
  res.type('text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="${name}_${from}_${to}.csv"`);
  res.send(report.csv());
}
