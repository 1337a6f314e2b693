import { AppError } from '@oms/errors';
import type { Request, Response } from '@oms/http';
import { keepSummaryForReplay } from './idempotency';

/** A CSV import (orders, stock, SKU attributes) takes its file as text/csv only. */
export function requireCsvBody(req: Request): void {
  if (!req.is('text/csv')) throw new AppError(415, 'Unsupported Media Type', 'Send the file as Content-Type: text/csv');
}

/**
 * Answers a CSV import's summary. A replay of an answer too large to keep (docs/limits.md) answers the same
 * counts with no row listed: every rejected row counted in `rowsNotListed`.
 */
export function answerImportSummary(res: Response, summary: { rows: unknown[]; rowsNotListed?: number }): void {
  keepSummaryForReplay(res, {
    ...summary,
    rows: [],
    rejectedRowsTruncated: summary.rows.length > 0,
    rowsNotListed: summary.rows.length + (summary.rowsNotListed ?? 0),
  });
  res.json(summary);
}
