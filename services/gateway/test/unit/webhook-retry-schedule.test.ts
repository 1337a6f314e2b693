import fc from 'fast-check';
import { attemptTimes, DEFAULT_RETRY_DELAYS_MS, DEFAULT_RETRY_WINDOW_MS, nextAttemptAt } from '../../src/domain/webhooks/retry-schedule';

const MIN = 60_000;
const HOUR = 60 * MIN;
const policy = { delaysMs: DEFAULT_RETRY_DELAYS_MS, windowMs: DEFAULT_RETRY_WINDOW_MS };

describe('the retry schedule of webhook deliveries', () => {
  it('when a delivery never succeeds, then it is tried after 1, 5 and 30 min, 2 h and every 6 h, and last at 24 h', () => {
    expect(attemptTimes(policy)).toEqual([
      0,
      MIN,
      6 * MIN,
      36 * MIN,
      2 * HOUR + 36 * MIN,
      8 * HOUR + 36 * MIN,
      14 * HOUR + 36 * MIN,
      20 * HOUR + 36 * MIN,
      24 * HOUR,
    ]);
  });

  it('when the attempt at the end of the window fails (or a late one after it), then there is no next attempt: failed', () => {
    expect(nextAttemptAt(policy, 9, 24 * HOUR, 0)).toBeUndefined();
    expect(nextAttemptAt(policy, 3, 25 * HOUR, 0)).toBeUndefined();
    expect(nextAttemptAt(policy, 8, 20 * HOUR + 36 * MIN, 0)).toBe(24 * HOUR);
  });

  it('when a redelivery starts a new window, then the schedule counts from it', () => {
    const start = 30 * HOUR;
    expect(nextAttemptAt(policy, 1, start, start)).toBe(start + MIN);
  });

  it('when any policy and any failure are given, then the next attempt is later than the last and never after the window', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 10, max: 10 * HOUR }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 100, max: 48 * HOUR }),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 0, max: 48 * HOUR }),
        (delaysMs, windowMs, failures, last) => {
          const next = nextAttemptAt({ delaysMs, windowMs }, failures, last, 0);
          if (last >= windowMs) return next === undefined;
          return next !== undefined && next > last && next <= windowMs;
        },
      ),
    );
  });
});
