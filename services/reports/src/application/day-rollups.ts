import { daysBetween, isClosed, monthOf } from '../domain/periods';
import { rollUp, type ReportKind, type Rollups } from '../domain/rollups';
import type { DayRollup } from '../domain/reports';
import type { ReportsDeps } from './reports-deps';

/** Closed days computed at once when a report finds their rollups missing (each reads one day's facts). */
const COMPUTE_IN_PARALLEL = 4;

/**
 * One report's rollup of every day from `from` to `to`: closed days from their stored rollups (read a
 * month at a time; a missing one is computed and stored now), the days still open from their facts, live.
 */
export async function dayRollups<K extends ReportKind>(deps: ReportsDeps, report: K, from: string, to: string): Promise<DayRollup<Rollups[K]>[]> {
  const now = deps.now();
  const days = daysBetween(from, to);
  const closed = days.filter((d) => isClosed(d, now, deps.rollupAfterHours));
  const open = days.filter((d) => !isClosed(d, now, deps.rollupAfterHours));

  // The months at once: each is one small equality query, and the store answers several in parallel.
  const months = await Promise.all([...new Set(closed.map(monthOf))].map((month) => deps.rollups.ofMonth(report, month)));
  const stored = new Map<string, Rollups[K]>(months.flatMap((m) => [...m]));
  const missing = closed.filter((d) => !stored.has(d));
  const computed = await inBatches(missing, COMPUTE_IN_PARALLEL, async (day) => ({ day, rollup: (await computeDay(deps, day))[report] }));
  const live = await inBatches(open, COMPUTE_IN_PARALLEL, async (day) => ({ day, rollup: rollUp(await deps.facts.ofDay(day))[report] }));
  return [...closed.filter((d) => stored.has(d)).map((day) => ({ day, rollup: stored.get(day)! })), ...computed, ...live];
}

/**
 * Roll a closed day up from its facts (one equality query) and store every report's rollup. A fact stored
 * while this ran would be missing from it, and its writer may have dropped the day's rollups before these
 * were stored: counting the day's facts again after storing catches that, and drops them for the next report.
 */
export async function computeDay(deps: ReportsDeps, day: string): Promise<Rollups> {
  const facts = await deps.facts.ofDay(day);
  const rollups = rollUp(facts);
  await deps.rollups.insertDay(day, rollups);
  if ((await deps.facts.countOfDay(day)) !== facts.length) await deps.rollups.deleteDay(day);
  return rollups;
}

async function inBatches<T, R>(items: T[], size: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += size) results.push(...(await Promise.all(items.slice(i, i + size).map(work))));
  return results;
}
