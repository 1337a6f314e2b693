/**
 * When a failed delivery is tried again: after each failed attempt the next delay (the last one repeats),
 * never later than the end of its window (24 hours from the delivery's first attempt by default, counted again
 * from a redelivery), so the last attempt is made at the end of the window; a delivery that fails then is
 * given up (`failed`).
 */
export interface RetryPolicy {
  delaysMs: readonly number[];
  windowMs: number;
}

/** 1 min, 5 min, 30 min, 2 h, 6 h, then every 6 h: attempts at 0, 1 m, 6 m, 36 m, 2 h 36 m, 8 h 36 m, 14 h 36 m, 20 h 36 m and 24 h. */
export const DEFAULT_RETRY_DELAYS_MS = [60_000, 5 * 60_000, 30 * 60_000, 2 * 3600_000, 6 * 3600_000] as const;
export const DEFAULT_RETRY_WINDOW_MS = 24 * 3600_000;

/**
 * The time of the next attempt after `failedAttempts` failures in a row (the last one at `lastAttemptAt`),
 * for a delivery whose window began at `windowStart`; undefined when the window is over: give up.
 */
export function nextAttemptAt(policy: RetryPolicy, failedAttempts: number, lastAttemptAt: number, windowStart: number): number | undefined {
  const windowEnd = windowStart + policy.windowMs;
  if (lastAttemptAt >= windowEnd) return undefined;
  const delay = policy.delaysMs[Math.min(Math.max(failedAttempts, 1), policy.delaysMs.length) - 1];
  return Math.min(lastAttemptAt + delay, windowEnd);
}

/** The times of every attempt of a delivery that never succeeds, from its first at 0 (for the docs and tests). */
export function attemptTimes(policy: RetryPolicy): number[] {
  const times = [0];
  for (;;) {
    const next = nextAttemptAt(policy, times.length, times[times.length - 1], 0);
    if (next === undefined) return times;
    times.push(next);
  }
}
