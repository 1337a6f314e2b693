import {
  bucketsOf,
  dayBoundary,
  daysToWalk,
  decodeTimeCursor,
  encodeTimeCursor,
  minuteOf,
  nextTimeCursor,
  secondOf,
  walkBuckets,
  walkDays,
} from '../../src/day-index';

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

  it('when a busy list walks minutes or seconds, then those of the range and from the cursor come in order, and a stop lies just past one', () => {
    const minutes = ['2026-01-02T09:59', '2026-01-02T10:00', '2026-01-02T10:01'];
    expect(minuteOf('2026-01-02T10:00:59.999Z')).toBe('2026-01-02T10:00');
    expect(daysToWalk(minutes, { sort: 'desc', after: { at: '2026-01-02T10:00:30.000Z', id: 'o-1' } }, minuteOf)).toEqual([
      '2026-01-02T10:00',
      '2026-01-02T09:59',
    ]);
    expect(daysToWalk(minutes, { sort: 'asc', from: '2026-01-02T10:00:00.000Z' }, minuteOf)).toEqual(['2026-01-02T10:00', '2026-01-02T10:01']);
    expect(dayBoundary('2026-01-02T10:00', 'desc')).toEqual({ at: '2026-01-02T10:00:00.000Z', id: '' });
    expect(dayBoundary('2026-12-31T23:59', 'asc')).toEqual({ at: '2027-01-01T00:00:00.000Z', id: '' });
    expect(secondOf('2026-01-02T10:00:59.999Z')).toBe('2026-01-02T10:00:59');
    expect(daysToWalk(['2026-01-02T10:00:58', '2026-01-02T10:00:59'], { sort: 'desc', after: { at: '2026-01-02T10:00:58.500Z', id: 'o' } }, secondOf)).toEqual([
      '2026-01-02T10:00:58',
    ]);
    expect(dayBoundary('2026-01-02T10:00:59', 'desc')).toEqual({ at: '2026-01-02T10:00:59.000Z', id: '' });
    expect(dayBoundary('2026-12-31T23:59:59', 'asc')).toEqual({ at: '2027-01-01T00:00:00.000Z', id: '' });
  });

  it('when a time is split into buckets, then each is a prefix of its UTC time, and a stop past an hour or ten minutes lands on the next one', () => {
    expect(bucketsOf('2026-01-02T11:23:59.999+01:00')).toEqual(['2026-01-02', '2026-01-02T10', '2026-01-02T10:2', '2026-01-02T10:23', '2026-01-02T10:23:59']);
    expect(dayBoundary('2026-01-02T10', 'desc')).toEqual({ at: '2026-01-02T10:00:00.000Z', id: '' });
    expect(dayBoundary('2026-12-31T23', 'asc')).toEqual({ at: '2027-01-01T00:00:00.000Z', id: '' });
    expect(dayBoundary('2026-01-02T10:5', 'asc')).toEqual({ at: '2026-01-02T11:00:00.000Z', id: '' });
    expect(dayBoundary('2026-01-02T10:5', 'desc')).toEqual({ at: '2026-01-02T10:50:00.000Z', id: '' });
    expect(() => dayBoundary('2026-01', 'asc')).toThrow('not a time bucket');
  });

  it('when buckets are found as the walk goes, then only as many are looked up as the page needs, and a stop on the last bucket leaves no cursor', async () => {
    const looked: string[] = [];
    async function* minutesOfDays(days: string[]) {
      for (const day of days) {
        looked.push(day);
        yield `${day}T10:01`;
        yield `${day}T10:00`;
      }
    }
    const walk = await walkBuckets(minutesOfDays(['2026-01-03', '2026-01-02', '2026-01-01']), 3, async (minute, want) =>
      [`${minute}-a`, `${minute}-b`].slice(0, want),
    );
    expect(walk).toEqual({ items: ['2026-01-03T10:01-a', '2026-01-03T10:01-b', '2026-01-03T10:00-a'], more: true });
    expect(looked).toEqual(['2026-01-03']);
    const slowLast = await walkBuckets(minutesOfDays(['2026-01-01']), 10, async () => new Promise<string[]>((r) => setTimeout(() => r([]), 20)), 10);
    expect(slowLast).toEqual({ items: [], more: false, stoppedAfterDay: '2026-01-01T10:01' });
    const slowNone = await walkBuckets(['2026-01-01T10:00'], 10, async () => new Promise<string[]>((r) => setTimeout(() => r([]), 20)), 10);
    expect(slowNone).toEqual({ items: [], more: false });
  });
});
