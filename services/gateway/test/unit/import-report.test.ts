import { listRejectedRow, MAX_LISTED_ROWS } from '../../src/domain/import-report';

describe('the rejected rows of an import', () => {
  it('when more rows are rejected than are listed, then the list stops at the limit and says it was truncated', () => {
    const report = { rows: [] as number[], rejectedRowsTruncated: false };
    for (let i = 0; i < MAX_LISTED_ROWS; i++) listRejectedRow(report, i);
    expect(report).toMatchObject({ rejectedRowsTruncated: false });
    expect(report.rows).toHaveLength(MAX_LISTED_ROWS);
    listRejectedRow(report, MAX_LISTED_ROWS);
    expect(report.rows).toHaveLength(MAX_LISTED_ROWS);
    expect(report.rejectedRowsTruncated).toBe(true);
  });
});
