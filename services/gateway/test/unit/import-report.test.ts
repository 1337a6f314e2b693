import { listRejectedRow, MAX_LISTED_ROWS, MAX_REASON_CHARS } from '../../src/domain/import-report';

describe('the rejected rows of an import', () => {
  it('when more rows are rejected than are listed, then the list stops at the limit, says it was truncated and counts the rest', () => {
    const report: { rows: Array<{ line: number; reason: string }>; rejectedRowsTruncated: boolean; rowsNotListed?: number } = {
      rows: [],
      rejectedRowsTruncated: false,
    };
    for (let i = 0; i < MAX_LISTED_ROWS; i++) listRejectedRow(report, { line: i, reason: 'bad' });
    expect(report).toMatchObject({ rejectedRowsTruncated: false });
    expect(report.rowsNotListed).toBeUndefined();
    expect(report.rows).toHaveLength(MAX_LISTED_ROWS);
    for (let i = 0; i < 7; i++) listRejectedRow(report, { line: MAX_LISTED_ROWS + i, reason: 'bad' });
    expect(report.rows).toHaveLength(MAX_LISTED_ROWS);
    expect(report).toMatchObject({ rejectedRowsTruncated: true, rowsNotListed: 7 });
  });

  it('when a reason is longer than the limit, then the listed reason is cut there', () => {
    const report = { rows: [] as Array<{ line: number; reason: string }>, rejectedRowsTruncated: false };
    listRejectedRow(report, { line: 2, reason: 'x'.repeat(10_000) });
    expect(report.rows[0].reason).toHaveLength(MAX_REASON_CHARS);
  });
});
