import { canonicalOrderSchema, identifier, type CanonicalOrder } from '@oms/contracts';
import { AppError, zodFieldErrors, type FieldError } from '@oms/errors';
import { express, type Request, type Response } from '@oms/http';
import { z } from 'zod';
import { csvReason, headerProblems, orderFromRows, type CsvRecord, type CsvRow } from '../../domain/intake/csv-orders';
import { apiRoute } from './api-route';
import { mayUseChannel, principalOf, type Principal } from './auth';
import type { GatewayDeps } from './deps';
import { orderIntake, type IntakeResult, type OrderIntake } from './intake';
import { MAX_CSV_BYTES, readCsvUpload } from './csv-stream';
import { toProblem } from './problems';

export const MAX_BATCH_ORDERS = 1000;
/** Orders of one import published at the same time: enough to keep the broker busy, bounded memory. */
const CSV_CONCURRENCY = 256;
/** Rejected rows listed in the answer (the counts are always complete). */
const MAX_LISTED_ROWS = 1000;

const batchResult = z.object({
  index: z.number().int(),
  externalId: z.string().optional(),
  status: z.enum(['created', 'duplicate', 'rejected']),
  id: z.string().optional(),
  orderStatus: z.string().optional(),
  problems: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
const counts = z.object({ created: z.number().int(), duplicates: z.number().int(), rejected: z.number().int() });

const importSummary = z.object({
  lines: z.number().int().describe('data rows read'),
  received: z.number().int().describe('orders found (rows grouped by externalId)'),
  created: z.number().int(),
  duplicates: z.number().int(),
  rejected: z.number().int().describe('orders rejected'),
  rows: z.array(z.object({ line: z.number().int(), externalId: z.string().optional(), reason: z.string() })),
  rejectedRowsTruncated: z.boolean(),
});

type Outcome = { status: 'created' | 'duplicate'; result: IntakeResult } | { status: 'rejected'; problems: FieldError[] };

/** An intake refusal that concerns this order only (its channel, a concurrent submit): the rest carry on. */
function perOrderRefusal(err: unknown): FieldError[] | undefined {
  if (err instanceof AppError && err.status < 500) return err.errors?.length ? err.errors : [{ path: '(order)', message: err.detail ?? err.title }];
  return undefined;
}

async function submitOne(intake: OrderIntake, principal: Principal, order: CanonicalOrder, lookupStatus: boolean): Promise<Outcome> {
  if (!mayUseChannel(principal, order.channel)) return { status: 'rejected', problems: [{ path: 'channel', message: `this key may not submit orders for channel ${order.channel}` }] };
  try {
    const result = await intake.submit(order, principal.actor, { lookupStatus });
    return { status: result.outcome, result };
  } catch (err) {
    const problems = perOrderRefusal(err);
    if (problems) return { status: 'rejected', problems };
    throw err;
  }
}



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
    responses: { 200: { description: 'A result per order, in the order sent, and the counts', schema: z.object({ results: z.array(batchResult), counts }) } },
    handler: async (_req, res, { body }) => {
      const principal = principalOf(res);
      // Every valid order is submitted at once: the broker confirms many in flight; never one after the other.
      const results = await Promise.all(
        body.orders.map(async (candidate, index): Promise<z.infer<typeof batchResult>> => {
          const externalId = typeof candidate.externalId === 'string' ? candidate.externalId : undefined;
          const parsed = canonicalOrderSchema.safeParse(candidate);
          if (!parsed.success) return { index, externalId, status: 'rejected', problems: zodFieldErrors(parsed.error) };
          const outcome = await submitOne(intake, principal, parsed.data, true).catch((err) => {
            // The broker or Redis failed for this order: the client resends the batch (duplicates are recognised).
            const problem = toProblem(err);
            if (problem instanceof AppError && problem.status === 503) return { status: 'rejected' as const, problems: [{ path: '(order)', message: 'not accepted: a service is unavailable; send it again' }] };
            throw err;
          });
          if (outcome.status === 'rejected') return { index, externalId, status: 'rejected', problems: outcome.problems };
          return { index, externalId, status: outcome.status, id: outcome.result.id, ...(outcome.result.status ? { orderStatus: outcome.result.status } : {}) };
        }),
      );
      const count = (s: string) => results.filter((r) => r.status === s).length;
      if (results.every((r) => r.status === 'rejected' && r.problems?.[0]?.message.startsWith('not accepted: a service')))
        throw new AppError(503, 'Service Unavailable', 'The message broker did not accept the orders; try again shortly');
      res.json({ results, counts: { created: count('created'), duplicates: count('duplicate'), rejected: count('rejected') } });
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
    responses: { 200: { description: 'Counts, and every rejected row with its reason (the first 1,000 listed)', schema: importSummary } },
    errors: [415],
    handler: async (req, res, { query }) => importCsv(req, res, intake, query.channel),
  });

  return router;
}

async function importCsv(req: Request, res: Response, intake: OrderIntake, queryChannel: string | undefined): Promise<void> {
  const principal = principalOf(res);
  if (!req.is('text/csv')) throw new AppError(415, 'Unsupported Media Type', 'Send the file as Content-Type: text/csv');
  if (Number(req.get('content-length') ?? 0) > MAX_CSV_BYTES) throw new AppError(413, 'Content Too Large', `A CSV import may have at most ${MAX_CSV_BYTES} bytes`);
  if (queryChannel) {
    if (!mayUseChannel(principal, queryChannel)) throw new AppError(403, 'Forbidden', `This key may not submit orders for channel ${queryChannel}`);
    await intake.channel(queryChannel, 'query.channel');
  }

  const summary = { lines: 0, received: 0, created: 0, duplicates: 0, rejected: 0, rows: [] as Array<{ line: number; externalId?: string; reason: string }>, rejectedRowsTruncated: false };
  const rejectRow = (line: number, externalId: string | undefined, reason: string) => {
    if (summary.rows.length < MAX_LISTED_ROWS) summary.rows.push({ line, ...(externalId ? { externalId } : {}), reason });
    else summary.rejectedRowsTruncated = true;
  };
  const rejectOrder = (rows: CsvRow[], reason: string) => {
    summary.rejected++;
    for (const row of rows) rejectRow(row.line, row.record.externalId, reason);
  };

  const upload = readCsvUpload(req, {
    headerProblems,
    onUnreadableRow: (line, reason) => {
      summary.lines++;
      rejectRow(line, undefined, reason);
    },
  });

  // Submitted orders in flight; at most CSV_CONCURRENCY, so a 100,000-line file runs in bounded memory.
  const inFlight = new Set<Promise<void>>();
  let fatal: unknown;
  const submit = (rows: CsvRow[], order: CanonicalOrder) => {
    const p = submitOne(intake, principal, order, false)
      .then((outcome) => {
        if (outcome.status === 'rejected') rejectOrder(rows, outcome.problems.map((e) => csvReason(e.path, e.message, rows)).join('; '));
        else if (outcome.status === 'created') summary.created++;
        else summary.duplicates++;
      })
      .catch((err) => void (fatal ??= err))
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  };

  const defaultCurrencies = new Map<string, string | undefined>();
  const dispatch = async (group: { channel: string; rows: CsvRow[] }) => {
    summary.received++;
    let currency = defaultCurrencies.get(group.channel);
    if (!defaultCurrencies.has(group.channel)) {
      currency = (await intake.channels.get(group.channel).catch(() => null))?.defaultCurrency;
      defaultCurrencies.set(group.channel, currency);
    }
    const parsed = canonicalOrderSchema.safeParse(orderFromRows(group.rows, group.channel, currency));
    if (!parsed.success) return rejectOrder(group.rows, zodFieldErrors(parsed.error).map((e) => csvReason(e.path, e.message, group.rows)).join('; '));
    submit(group.rows, parsed.data);
    if (inFlight.size >= CSV_CONCURRENCY) await Promise.race(inFlight);
  };

  // Rows are grouped by (channel, externalId) while they come; an order id seen before and left is refused.
  const finished = new Set<string>();
  let current: { key: string; channel: string; rows: CsvRow[]; refused?: string } | undefined;
  const close = async () => {
    if (!current) return;
    const group = current;
    current = undefined;
    finished.add(group.key);
    if (group.refused) {
      summary.received++;
      return rejectOrder(group.rows, group.refused);
    }
    await dispatch(group);
  };

  try {
    for await (const { record, info } of upload.records as AsyncIterable<{ record: CsvRecord; info: { lines: number } }>) {
      if (fatal) break;
      summary.lines++;
      const row: CsvRow = { line: info.lines, record };
      const externalId = record.externalId ?? '';
      const channel = record.channel || queryChannel || '';
      if (!externalId || !channel) {
        summary.received++;
        summary.rejected++;
        rejectRow(row.line, externalId || undefined, !externalId ? 'externalId: is empty' : 'channel: is empty (add a channel column or ?channel=)');
        continue;
      }
      const key = `${channel}\u001f${externalId}`;
      if (current?.key === key) {
        current.rows.push(row);
        continue;
      }
      await close();
      current = finished.has(key)
        ? { key, channel, rows: [row], refused: `externalId: order ${externalId} appeared earlier in the file; the rows of one order must be consecutive` }
        : { key, channel, rows: [row] };
    }
    if (!fatal) await close();
  } catch (err) {
    const refusal = upload.stop();
    await Promise.allSettled(inFlight);
    if (refusal) throw refusal;
    throw new AppError(400, 'Malformed CSV', (err as Error).message ?? 'The CSV could not be read');
  }
  await Promise.allSettled(inFlight);
  if (fatal) {
    req.unpipe();
    req.resume();
    // The broker or Redis failed mid-import: nothing accepted is lost, and a re-upload recognises what got in.
    throw fatal;
  }
  res.json(summary);
}
