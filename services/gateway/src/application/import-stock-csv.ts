import type { StockImportSummary } from '@oms/contracts';
import { AppError } from '@oms/errors';
import { listRejectedRow } from '../domain/import-report';
import { movementOfRow, refusedRows, STOCK_BATCH_ROWS, stockHeaderProblems, type Movement } from '../domain/inventory/stock-file';
import type { OpenCsv } from './csv-source';
import { sendCommand, type CommandDeps } from './send-command';

export type { StockImportSummary };

interface PendingRow {
  line: number;
  movement: Movement;
}

type Reject = (line: number, sku: string | undefined, reason: string) => void;

/**
 * A stock file streamed into the ledger in batches of STOCK_BATCH_ROWS rows, in bounded memory. Rows that
 * do not parse are listed with their reason; rows the inventory service refuses (an unknown location, a
 * write-off below what is reserved) are listed too, and the rest of their batch is booked.
 */
export async function importStockCsv(deps: CommandDeps, actor: string, open: OpenCsv): Promise<StockImportSummary> {
  const summary: StockImportSummary = { lines: 0, booked: 0, rejected: 0, rows: [], rejectedRowsTruncated: false };
  const reject: Reject = (line, sku, reason) => {
    summary.rejected++;
    listRejectedRow(summary, { line, ...(sku ? { sku } : {}), reason });
  };

  const upload = open({
    headerProblems: stockHeaderProblems,
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
      const row = movementOfRow(record);
      if (row.reason !== undefined) {
        reject(info.lines, record.sku || undefined, row.reason);
        continue;
      }
      batch.push({ line: info.lines, movement: row.movement });
      if (batch.length >= STOCK_BATCH_ROWS) {
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
  return summary;
}

/** Book one batch; when the service refuses some rows, list them and book the others. */
async function bookBatch(deps: CommandDeps, actor: string, batch: PendingRow[], summary: { booked: number }, reject: Reject): Promise<void> {
  let pending = batch;
  // Each refusal names its rows; the rest is sent again (a batch can be refused for a second reason).
  for (let attempt = 0; pending.length > 0 && attempt < 3; attempt++) {
    try {
      const outcome = await sendCommand(
        deps,
        'stock.record-movements.v1',
        { movements: pending.map((p) => p.movement), actor },
        `stock-import:${pending[0]!.movement.sku}`,
      );
      if (outcome.status !== 'done')
        throw new AppError(504, 'Gateway Timeout', 'The inventory service did not answer in time; rows before this batch were booked');
      summary.booked += pending.length;
      return;
    } catch (err) {
      // A refusal that names rows (movements.<index>.<field>) drops them; anything else stops the import.
      const byIndex = err instanceof AppError && err.status === 422 ? refusedRows(err.errors ?? []) : undefined;
      if (!byIndex) throw err;
      for (const [index, reason] of byIndex) reject(pending[index]!.line, pending[index]!.movement.sku, reason);
      pending = pending.filter((_, i) => !byIndex.has(i));
    }
  }
  if (pending.length > 0) for (const p of pending) reject(p.line, p.movement.sku, 'not booked: the inventory service kept refusing its batch');
}
