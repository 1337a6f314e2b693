/**
 * How a test waits. It waits for the condition it needs: `eventually(probe)`, or an event or promise it can
 * await (for "every event published so far has arrived": BrokerTap.settle / QueueSettler). It never sleeps a
 * fixed time in the hope that something has happened by then.
 *
 * Two kinds of test still let time pass, and say so where they do:
 * - a test that proves something does NOT happen (no second event, no retry, nothing delivered past the
 *   prefetch): an absence has no event to wait for, so it watches a short window with `expectNothingWithin`;
 * - a test of timing itself (a timeout, a lock's ttl, a retry delay, a rate-limit window), whose scenario is
 *   made of durations: a plain timer, with a comment.
 */

/** Poll until `probe` returns a truthy value (or throws no more), at most `timeoutMs`. */
export async function eventually<T>(probe: () => Promise<T> | T, timeoutMs = 15000, intervalMs = 100): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value as NonNullable<T>;
      lastError = new Error('condition not met');
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) throw lastError;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * Prove that something does not happen: for `ms`, ask `happened` every `intervalMs` (first at once, last at the
 * end of the window) and fail as soon as it answers truthy, naming `what`. Waiting is the only way to see an
 * absence, so this is the one fixed wait a test may have: keep `ms` short, a little longer than the thing would
 * take if it did happen, and say at the call why that is long enough.
 */
export async function expectNothingWithin(ms: number, happened: () => unknown, what = 'what must not happen', intervalMs = 20): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await happened()) throw new Error(`${what}: it happened within ${ms} ms`);
    const left = deadline - Date.now();
    if (left <= 0) return;
    await new Promise((r) => setTimeout(r, Math.min(intervalMs, left)));
  }
}
