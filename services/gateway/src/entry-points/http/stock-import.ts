import { commands, type MessageData } from '@oms/contracts';
import { AppError, zodFieldErrors } from '@oms/errors';
import type { Request, Response } from '@oms/http';
import { z } from 'zod';
import { requireOps } from './auth';
import { readCsvUpload } from './csv-stream';
import { sendCommand, type GatewayDeps } from './deps';

type Movement = MessageData<'stock.record-movements.v1'>['movements'][number];

/** Rows booked per command: one command is one ledger batch in the inventory service. */
const BATCH_ROWS = 500;
const MAX_LISTED_ROWS = 1000;
const REQUIRED = ['sku', 'locationId', 'quantity'];
const OPTIONAL = ['type', 'reference', 'reason'];
/** What a stock file may book; the default, a count, sets on hand to the quantity, so a re-upload changes nothing. */
const IMPORT_TYPES = ['count', 'receipt', 'adjustment', 'write_off'] as const;

const movement = commands['stock.record-movements.v1'].shape.movements.element;
const row = z.object({
  sku: movement.shape.sku,
  locationId: movement.shape.locationId,
  quantity: z.coerce.number().pipe(movement.shape.quantity),
  type: z.enum(IMPORT_TYPES).default('count'),
  reference: movement.shape.reference,
  reason: movement.shape.reason,
});

export const stockImportSummary = z.object({
  lines: z.number().int().describe('data rows read'),
  booked: z.number().int().describe('rows booked into the ledger'),
  rejected: z.number().int(),
  rows: z.array(z.object({ line: z.number().int(), sku: z.string().optional(), reason: z.string() })).describe('rejected rows, the first 1,000'),
  rejectedRowsTruncated: z.boolean(),
});

interface PendingRow {
  line: number;
  movement: Movement;
}

/**
 * POST /v1/inventory/import: a stock file (one row per SKU and location) streamed into the ledger in
 * batches of 500 rows, in bounded memory. Rows that do not parse are listed with their reason; rows the
 * inventory service refuses (an unknown location, a write-off below what is reserved) are listed too, and
 * the rest of their batch is booked.
 */
export async function importStockCsv(req: Request, res: Response, deps: GatewayDeps): Promise<void> {
  const { actor } = requireOps(res);
  if (!req.is('text/csv')) throw new AppError(415, 'Unsupported Media Type', 'Send the file as Content-Type: text/csv');

  const summary: z.infer<typeof stockImportSummary> = { lines: 0, booked: 0, rejected: 0, rows: [], rejectedRowsTruncated: false };
  const reject = (line: number, sku: string | undefined, reason: string) => {
    summary.rejected++;
    if (summary.rows.length < MAX_LISTED_ROWS) summary.rows.push({ line, ...(sku ? { sku } : {}), reason });
    else summary.rejectedRowsTruncated = true;
  };

  const upload = readCsvUpload(req, {
    headerProblems: (header) => [
      ...REQUIRED.filter((c) => !header.includes(c)).map((c) => `missing column ${c}`),
      ...header.filter((c) => !REQUIRED.includes(c) && !OPTIONAL.includes(c)).map((c) => `unknown column ${c} (columns: ${[...REQUIRED, ...OPTIONAL].join(', ')})`),
    ],
    onUnreadableRow: (line, reason) => {
      summary.lines++;
      reject(line, undefined, reason);
    },
    allowShortRows: true, // optional columns may be left off the end of a row
  });

  const book = (batch: PendingRow[]) => bookBatch(deps, actor, batch, summary, reject);
  let batch: PendingRow[] = [];
  try {
    for await (const { record, info } of upload.records) {
      summary.lines++;
      const values = Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined && v !== ''));
      const parsed = row.safeParse(values);
      if (!parsed.success) {
        reject(info.lines, record.sku || undefined, zodFieldErrors(parsed.error).map((e) => `${e.path}: ${e.message}`).join('; '));
        continue;
      }
      batch.push({ line: info.lines, movement: parsed.data });
      if (batch.length >= BATCH_ROWS) {
        await book(batch);
        batch = [];
      }
    }
    await book(batch);
  } catch (err) {
    const refusal = upload.stop();
    if (refusal) throw refusal;
    if (err instanceof AppError) throw err; // the inventory service or the broker failed: the import stops here
    throw new AppError(400, 'Malformed CSV', (err as Error).message ?? 'The CSV could not be read');
  }
  // Unreadable rows are listed as they are read, refused ones when their batch comes back: in file order.
  summary.rows.sort((a, b) => a.line - b.line);
  res.json(summary);
}

/** Book one batch; when the service refuses some rows, list them and book the others. */
async function bookBatch(
  deps: GatewayDeps,
  actor: string,
  batch: PendingRow[],
  summary: { booked: number },
  reject: (line: number, sku: string, reason: string) => void,
): Promise<void> {
  let pending = batch;
  // Each refusal names its rows; the rest is sent again (a batch can be refused for a second reason).
  for (let attempt = 0; pending.length > 0 && attempt < 3; attempt++) {
    try {
      const outcome = await sendCommand(deps, 'stock.record-movements.v1', { movements: pending.map((p) => p.movement), actor }, `stock-import:${pending[0]!.movement.sku}`);
      if (outcome.status !== 'done') throw new AppError(504, 'Gateway Timeout', 'The inventory service did not answer in time; rows before this batch were booked');
      summary.booked += pending.length;
      return;
    } catch (err) {
      // The refusal names its rows (movements.<index>.<field>); anything else stops the import.
      const refused = err instanceof AppError && err.status === 422 ? (err.errors ?? []) : [];
      const byIndex = new Map<number, string>();
      for (const e of refused) {
        const match = /^movements\.(\d+)\.(.+)$/.exec(e.path);
        if (!match) throw err;
        byIndex.set(Number(match[1]), `${match[2]}: ${e.message}`);
      }
      if (byIndex.size === 0) throw err;
      for (const [index, reason] of byIndex) reject(pending[index]!.line, pending[index]!.movement.sku, reason);
      pending = pending.filter((_, i) => !byIndex.has(i));
    }
  }
  if (pending.length > 0) for (const p of pending) reject(p.line, p.movement.sku, 'not booked: the inventory service kept refusing its batch');
}
