import { dayBoundary, daysToWalk } from '../../src/data-access/order-repository';

describe('the order list walks days', () => {
  const days = ['2025-06-30', '2026-01-01', '2026-01-02', '2026-01-03'];

  it('when listing newest first, then the days come newest first, down to the cursor’s day and within the range', () => {
    expect(daysToWalk(days, { sort: 'desc' })).toEqual(['2026-01-03', '2026-01-02', '2026-01-01', '2025-06-30']);
    expect(daysToWalk(days, { sort: 'desc', after: { createdAt: '2026-01-02T10:00:00.000Z', id: 'o-1' } })).toEqual(['2026-01-02', '2026-01-01', '2025-06-30']);
    expect(daysToWalk(days, { sort: 'desc', createdFrom: '2026-01-01T12:00:00.000Z', createdTo: '2026-01-03T00:00:00.000Z' })).toEqual([
      '2026-01-03',
      '2026-01-02',
      '2026-01-01',
    ]);
  });

  it('when listing oldest first, then the days come oldest first, from the cursor’s day; offsets are read in UTC', () => {
    expect(daysToWalk(days, { sort: 'asc', after: { createdAt: '2026-01-02T00:00:00.000Z', id: '' } })).toEqual(['2026-01-02', '2026-01-03']);
    expect(daysToWalk(days, { sort: 'asc', createdFrom: '2026-01-02T01:00:00+02:00' })).toEqual(['2026-01-01', '2026-01-02', '2026-01-03']);
  });

  it('when a walk stops after a whole day, then the cursor lies just past that day in the walk’s direction', () => {
    expect(dayBoundary('2026-01-02', 'desc')).toEqual({ createdAt: '2026-01-02T00:00:00.000Z', id: '' });
    expect(dayBoundary('2026-12-31', 'asc')).toEqual({ createdAt: '2027-01-01T00:00:00.000Z', id: '' });
  });
});
