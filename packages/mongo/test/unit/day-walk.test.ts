import { dayBoundary, daysToWalk, decodeTimeCursor, encodeTimeCursor, nextTimeCursor, walkDays } from '../../src/day-index';

describe('lists that walk days', () => {
  const days = ['2025-06-30', '2026-01-01', '2026-01-02', '2026-01-03'];

  it('when listing newest first, then the days come newest first, down to the cursor’s day and within the range', () => {
    expect(daysToWalk(days, { sort: 'desc' })).toEqual(['2026-01-03', '2026-01-02', '2026-01-01', '2025-06-30']);
    expect(daysToWalk(days, { sort: 'desc', after: { at: '2026-01-02T10:00:00.000Z', id: 'o-1' } })).toEqual(['2026-01-02', '2026-01-01', '2025-06-30']);
    expect(daysToWalk(days, { sort: 'desc', from: '2026-01-01T12:00:00.000Z', to: '2026-01-03T00:00:00.000Z' })).toEqual([
      '2026-01-03',
      '2026-01-02',
      '2026-01-01',
    ]);
  });

  it('when listing oldest first, then the days come oldest first, from the cursor’s day; offsets are read in UTC', () => {
    expect(daysToWalk(days, { sort: 'asc', after: { at: '2026-01-02T00:00:00.000Z', id: '' } })).toEqual(['2026-01-02', '2026-01-03']);
    expect(daysToWalk(days, { sort: 'asc', from: '2026-01-02T01:00:00+02:00' })).toEqual(['2026-01-01', '2026-01-02', '2026-01-03']);
  });

  it('when a walk stops after a whole day, then the cursor lies just past that day in the walk’s direction', () => {
    expect(dayBoundary('2026-01-02', 'desc')).toEqual({ at: '2026-01-02T00:00:00.000Z', id: '' });
    expect(dayBoundary('2026-12-31', 'asc')).toEqual({ at: '2027-01-01T00:00:00.000Z', id: '' });
  });

  it('when days fill the page, then the walk stops there and the cursor follows its last item', async () => {
    const read: string[] = [];
    const walk = await walkDays(['d3', 'd2', 'd1'], 2, async (day, want) => {
      read.push(`${day}/${want}`);
      return [`${day}-a`, `${day}-b`].slice(0, want);
    });
    expect(read).toEqual(['d3/3', 'd2/1']);
    expect(walk).toEqual({ items: ['d3-a', 'd3-b'], more: true });
    const cursor = nextTimeCursor(walk, 'desc', (item) => ({ at: '2026-01-03T10:00:00.000Z', id: item }));
    expect(decodeTimeCursor(cursor as string)).toEqual({ at: '2026-01-03T10:00:00.000Z', id: 'd3-b' });
  });

  it('when the time budget runs out, then the short page’s cursor lies past the last day walked; no cursor after the last day', async () => {
    const slow = await walkDays(['2026-01-03', '2026-01-02'], 10, async () => new Promise<string[]>((r) => setTimeout(() => r([]), 20)), 10);
    expect(slow).toEqual({ items: [], more: false, stoppedAfterDay: '2026-01-03' });
    expect(decodeTimeCursor(nextTimeCursor(slow, 'desc', () => ({ at: '', id: '' })) as string)).toEqual(dayBoundary('2026-01-03', 'desc'));
    const done = await walkDays(['2026-01-03'], 10, async () => ['x']);
    expect(nextTimeCursor(done, 'desc', () => ({ at: '', id: '' }))).toBeNull();
  });

  it('when a cursor is not one of ours, then it decodes to nothing', () => {
    expect(decodeTimeCursor('bm9wZQ')).toBeUndefined();
    expect(decodeTimeCursor(encodeTimeCursor({ at: 'not a time', id: 'x' }))).toBeUndefined();
    expect(decodeTimeCursor(encodeTimeCursor({ at: '2026-01-01T00:00:00.000Z', id: 'x' }))).toEqual({ at: '2026-01-01T00:00:00.000Z', id: 'x' });
  });
});
