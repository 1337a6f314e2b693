import { canonicalOrderSchema, type CanonicalOrder, type OrderImportSummary } from '@oms/contracts';
import { AppError, zodFieldErrors } from '@oms/errors';
import { mayUseChannel, type Principal } from '../domain/access/principal';
import { listRejectedRow } from '../domain/import-report';
import {
  ConsecutiveOrderRows,
  csvReason,
  headerProblems,
  orderFromRows,
  rowWithoutOrder,
  type CsvRecord,
  type CsvRow,
  type OrderRows,
} from '../domain/intake/csv-orders';
import type { OpenCsv } from './csv-source';
import type { OrderIntake } from './order-intake';
import { submitOne } from './submit-batch';

/** Orders of one import published at the same time: enough to keep the broker busy, bounded memory. */
const CSV_CONCURRENCY = 256;

export type { OrderImportSummary };

/**
 * An order file (docs/intake.md) into the intake, in bounded memory: rows are grouped into orders as they
 * are read, each order is submitted like one of a batch, at most CSV_CONCURRENCY at a time. Rows and
 * orders that are refused are listed with their reason; the broker or Redis failing stops the import
 * (nothing accepted is lost, and a re-upload recognises what got in).
 */
export async function importOrdersCsv(intake: OrderIntake, principal: Principal, queryChannel: string | undefined, open: OpenCsv): Promise<OrderImportSummary> {
  if (queryChannel) {
    if (!mayUseChannel(principal, queryChannel)) throw new AppError(403, 'Forbidden', `This key may not submit orders for channel ${queryChannel}`);
    await intake.channel(queryChannel, 'query.channel');
  }

  const summary: OrderImportSummary = { lines: 0, received: 0, created: 0, duplicates: 0, rejected: 0, rows: [], rejectedRowsTruncated: false };
  const rejectRow = (line: number, externalId: string | undefined, reason: string) =>
    listRejectedRow(summary, { line, ...(externalId ? { externalId } : {}), reason });
  const rejectOrder = (rows: CsvRow[], reason: string) => {
    summary.rejected++;
    for (const row of rows) rejectRow(row.line, row.record.externalId, reason);
  };

  const upload = open({
    headerProblems,
    onUnreadableRow: (line, reason) => {
      summary.lines++;
      rejectRow(line, undefined, reason);
    },
  });

  // Submitted orders in flight; at most CSV_CONCURRENCY, so a 100,000-line file runs in bounded memory.
  const inFlight = new Set<Promise<void>>();
  let fatal: Error | undefined;
  const submit = (rows: CsvRow[], order: CanonicalOrder) => {
    const p = submitOne(intake, principal, order, false)
      .then((outcome) => {
        if (outcome.status === 'rejected') rejectOrder(rows, outcome.problems.map((e) => csvReason(e.path, e.message, rows)).join('; '));
        else if (outcome.status === 'created') summary.created++;
        else summary.duplicates++;
      })
      .catch((err: Error) => void (fatal ??= err))
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  };

  const defaultCurrencies = new Map<string, string | undefined>();
  const dispatch = async (group: OrderRows) => {
    summary.received++;
    if (group.refused) return rejectOrder(group.rows, group.refused);
    let currency = defaultCurrencies.get(group.channel);
    if (!defaultCurrencies.has(group.channel)) {
      currency = (await intake.channels.get(group.channel).catch(() => null))?.defaultCurrency;
      defaultCurrencies.set(group.channel, currency);
    }
    const parsed = canonicalOrderSchema.safeParse(orderFromRows(group.rows, group.channel, currency));
    if (!parsed.success)
      return rejectOrder(
        group.rows,
        zodFieldErrors(parsed.error)
          .map((e) => csvReason(e.path, e.message, group.rows))
          .join('; '),
      );
    submit(group.rows, parsed.data);
    if (inFlight.size >= CSV_CONCURRENCY) await Promise.race(inFlight);
  };

  const orders = new ConsecutiveOrderRows();
  try {
    for await (const { record, info } of upload.records as AsyncIterable<{ record: CsvRecord; info: { lines: number } }>) {
      if (fatal) break;
      summary.lines++;
      const row: CsvRow = { line: info.lines, record };
      const externalId = record.externalId ?? '';
      const channel = record.channel || queryChannel || '';
      const unusable = rowWithoutOrder(externalId, channel);
      if (unusable) {
        summary.received++;
        summary.rejected++;
        rejectRow(row.line, externalId || undefined, unusable);
        continue;
      }
      const completed = orders.add(row, channel, externalId);
      if (completed) await dispatch(completed);
    }
    if (!fatal) {
      const last = orders.end();
      if (last) await dispatch(last);
    }
  } catch (err) {
    const refusal = upload.stop();
    await Promise.allSettled(inFlight);
    if (refusal) throw refusal;
    throw new AppError(400, 'Malformed CSV', (err as Error).message ?? 'The CSV could not be read');
  }
  await Promise.allSettled(inFlight);
  if (fatal) {
    upload.stop();
    // The broker or Redis failed mid-import: nothing accepted is lost, and a re-upload recognises what got in.
    throw fatal;
  }
  return summary;
}
