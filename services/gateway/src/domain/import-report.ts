/** Rejected rows an import's answer lists; its counts are always complete. */
export const MAX_LISTED_ROWS = 1000;

/** Lists a rejected row, or marks the list truncated: a file of 100,000 bad rows must not make an answer of them all. */
export function listRejectedRow<R>(report: { rows: R[]; rejectedRowsTruncated: boolean }, row: R): void {
  if (report.rows.length < MAX_LISTED_ROWS) report.rows.push(row);
  else report.rejectedRowsTruncated = true;
}
