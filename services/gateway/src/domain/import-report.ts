import type { z } from 'zod';
import { zodFieldErrors } from '@oms/errors';

/** Rejected rows an import's answer lists; its counts are always complete (docs/limits.md). */
export const MAX_LISTED_ROWS = 100;
/** A listed row's reason is cut here: an order's reasons are joined, and a row may have many. */
export const MAX_REASON_CHARS = 500;

/**
 * Lists a rejected row, or counts it in `rowsNotListed`: a file of 100,000 bad rows must not make an answer
 * of them all.
 */
export function listRejectedRow<R extends { reason?: string }>(report: { rows: R[]; rejectedRowsTruncated: boolean; rowsNotListed?: number }, row: R): void {
  if (report.rows.length < MAX_LISTED_ROWS) {
    const reason = row.reason;
    report.rows.push(reason !== undefined && reason.length > MAX_REASON_CHARS ? { ...row, reason: `${reason.slice(0, MAX_REASON_CHARS - 1)}…` } : row);
  } else {
    report.rejectedRowsTruncated = true;
    report.rowsNotListed = (report.rowsNotListed ?? 0) + 1;
  }
}

/**
 * The header check of a CSV import: missing required columns, and unknown ones (a typo would drop the
 * column's data silently).
 */
export const headerProblems =
  (required: readonly string[], optional: readonly string[]) =>
  (header: string[]): string[] => [
    ...required.filter((c) => !header.includes(c)).map((c) => `missing column ${c}`),
    ...header
      .filter((c) => !required.includes(c) && !optional.includes(c))
      .map((c) => `unknown column ${c} (columns: ${[...required, ...optional].join(', ')})`),
  ];

/** One CSV row through `schema`, empty cells counting as absent: its value, or why not, field by field. */
export function parseCsvRow<S extends z.ZodType>(
  schema: S,
  record: Record<string, string | undefined>,
): { value: z.output<S>; reason?: undefined } | { reason: string } {
  const values = Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(values);
  if (!parsed.success)
    return {
      reason: zodFieldErrors(parsed.error)
        .map((e) => `${e.path}: ${e.message}`)
        .join('; '),
    };
  return { value: parsed.data };
}
