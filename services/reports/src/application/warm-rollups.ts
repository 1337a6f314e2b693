import { addDays, isClosed } from '../domain/periods';
import { computeDay } from './day-rollups';
import type { ReportsDeps } from './reports-deps';

/**
 * Compute the rollups of the days closed lately (yesterday, and the day before in the first hours after
 * midnight) that have none yet, so that the first report of the day reads them instead of computing them.
 * The days computed.
 */
export async function warmRollups(deps: ReportsDeps): Promise<string[]> {
  const today = deps.now().toISOString().slice(0, 10);
  const recent = [addDays(today, -2), addDays(today, -1)].filter((d) => isClosed(d, deps.now(), deps.rollupAfterHours));
  const warmed: string[] = [];
  for (const day of recent) {
    if (await deps.rollups.has('sales', day)) continue;
    await computeDay(deps, day);
    warmed.push(day);
  }
  return warmed;
}
