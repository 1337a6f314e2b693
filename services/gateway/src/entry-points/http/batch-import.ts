import { z } from 'zod';
import { identifier, orderImportSummarySchema } from '@oms/contracts';
import { AppError } from '@oms/errors';
import { express } from '@oms/http';
import type { GatewayDeps } from '../../application/deps';
import { importOrdersCsv } from '../../application/import-orders-csv';
import { orderIntake } from '../../application/order-intake';
import { submitBatch } from '../../application/submit-batch';
import { apiRoute } from './api-route';
import { keepSummaryForReplay } from './idempotency';
import { principalOf } from './auth';
import { answerImportSummary, requireCsvBody } from './csv-import';
import { MAX_CSV_BYTES, readCsvUpload } from './csv-stream';

export const MAX_BATCH_ORDERS = 1000;

const batchResult = z.object({
  index: z.number().int(),
  externalId: z.string().optional(),
  status: z.enum(['created', 'duplicate', 'rejected']),
  id: z.string().optional(),
  orderStatus: z.string().optional(),
  problems: z
    .array(z.object({ path: z.string(), message: z.string() }))
    .optional()
    .describe('the first 5 problems of this order; an answer lists 100 problems at most (docs/limits.md)'),
  problemsNotListed: z.number().int().optional().describe('problems of this order not listed, counted only'),
});
const counts = z.object({ created: z.number().int(), duplicates: z.number().int(), rejected: z.number().int() });

/** Marketplaces send orders in batches; back-office and legacy channels upload CSV files. */
export function batchImportRoutes(deps: GatewayDeps): express.Router {
  const router = express.Router();
  const intake = orderIntake(deps);

  apiRoute(router, {
    method: 'post',
    path: '/orders/batch',
    summary: 'Submit up to 1,000 canonical orders; a result per order (created, duplicate with the existing id, or rejected with its problems)',
    tags: ['orders'],
    body: z.object({
      orders: z
        .array(z.record(z.string(), z.unknown()).describe('a canonical order, as for POST /v1/orders; each is checked on its own'))
        .min(1)
        .max(MAX_BATCH_ORDERS),
    }),
    responses: {
      200: {
        description: 'A result per order, in the order sent, and the counts',
        schema: z.object({ results: z.array(batchResult), counts, problemsNotListed: z.number().int().optional() }),
      },
    },
    handler: async (_req, res, { body }) => {
      const answer = await submitBatch(intake, principalOf(res), body.orders);
      // A replay of a large batch answers each order's status and id (its problems are gone): enough to resend.
      keepSummaryForReplay(res, {
        counts: answer.counts,
        results: answer.results.map(({ index, status, id }) => (id ? { index, status, id } : { index, status })),
      });
      res.json(answer);
    },
  });

  apiRoute(router, {
    method: 'post',
    path: '/orders/import',
    summary: 'Import orders from CSV (one row per order line, rows of an order consecutive); streamed, up to 100 MB',
    tags: ['orders'],
    body: z.string().describe('CSV with a header row; columns in docs/intake.md'),
    bodyContentType: 'text/csv',
    documentBodyOnly: true,
    query: z.object({ channel: identifier.optional().describe('channel of rows without a `channel` column value') }),
    responses: {
      200: { description: 'Counts, and every rejected row with its reason (the first 100 listed, the rest counted)', schema: orderImportSummarySchema },
    },
    errors: [415],
    handler: async (req, res, { query }) => {
      const principal = principalOf(res);
      requireCsvBody(req);
      if (Number(req.get('content-length') ?? 0) > MAX_CSV_BYTES)
        throw new AppError(413, 'Content Too Large', `A CSV import may have at most ${MAX_CSV_BYTES} bytes`);
      answerImportSummary(res, await importOrdersCsv(intake, principal, query.channel, (options) => readCsvUpload(req, options)));
    },
  });

  return router;
}
