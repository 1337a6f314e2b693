/** Days (UTC, `YYYY-MM-DD`), ISO weeks and the periods a report groups its days into. Pure. */

export type Interval = 'day' | 'week' | 'total';

const DAY_MS = 86_400_000;

const dayStart = (day: string): number => Date.parse(`${day}T00:00:00.000Z`);
const dayAt = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** `2026-W49` for a day of that ISO week (weeks start on Monday; week 1 holds the year's first Thursday). */
export function isoWeekOf(day: string): string {
  const date = new Date(dayStart(day));
  const weekday = (date.getUTCDay() + 6) % 7; // Monday 0 ... Sunday 6
  const thursday = new Date(date.getTime() + (3 - weekday) * DAY_MS);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * DAY_MS)) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** `2026-12` for `2026-12-05`: rollups are read a month at a time. */
export const monthOf = (day: string): string => day.slice(0, 7);

/** Every day from `from` to `to`, both included, oldest first. */
export function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (let ms = dayStart(from); ms <= dayStart(to); ms += DAY_MS) days.push(dayAt(ms));
  return days;
}

export const addDays = (day: string, n: number): string => dayAt(dayStart(day) + n * DAY_MS);

/** The period a day counts in: itself, its ISO week, or `total`. */
export function periodOf(day: string, interval: Interval): string {
  if (interval === 'day') return day;
  if (interval === 'week') return isoWeekOf(day);
  return 'total';
}

/**
 * A day is closed, and gets a rollup, once it ended `afterHours` ago: events of a day keep arriving for a
 * while after midnight (a consumer catching up), and a rollup computed too early would miss them.
 */
export function isClosed(day: string, now: Date, afterHours: number): boolean {
  return dayStart(day) + DAY_MS + afterHours * 3_600_000 <= now.getTime();
}
