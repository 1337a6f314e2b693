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
