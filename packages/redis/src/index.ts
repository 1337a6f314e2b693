import Redis from 'ioredis';

export { Redis };

export function createRedis(url: string, keyPrefix: string): Redis {
  return new Redis(url, {
    keyPrefix,
    // Keep trying to reconnect; readiness reports the state meanwhile.
    maxRetriesPerRequest: 3,
    enableOfflineQueue: true,
    retryStrategy: (times) => Math.min(times * 100, 2000),
    // Commands issued in the same tick by concurrent handlers share one socket write: under load the
    // writes themselves, not Redis, were the cost (a sixth of inventory's CPU in bench:inventory).
    enableAutoPipelining: true,
  });
}

export class LockTimeoutError extends Error {
  override name = 'LockTimeoutError';
}

/**
 * A holder's lock is no longer its own (it expired: the holder was paused, hung past LOCK_MAX_HOLD_MS, or
 * Redis lost it), so its write is refused: a successor may be writing. Transient: the message is retried.
 */
export class LockLostError extends Error {
  override name = 'LockLostError';
}

/**
 * Take the lock KEYS[1] with a new fencing token, kept in KEYS[2]: the token is the last one plus one, but
 * never less than Redis' clock in microseconds. So tokens of one lock only grow, even after the counter
 * key expired (it is kept FENCE_KEEP_MS after the last taking) or Redis lost its data (the clock has moved
 * past every token given before, as long as the clock does not go back). Microseconds, not milliseconds:
 * a lock taken several times in one millisecond ran its counter ahead of a millisecond clock, and a token
 * after losing the counter could then be smaller; one taking per microsecond cannot happen (each is a
 * script run of its own). About 1.8e15, well inside a double's exact integers. The lock's value is the token.
 */
const ACQUIRE = `if redis.call('exists', KEYS[1]) == 1 then return 0 end
local t = redis.call('time')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local fence = tonumber(redis.call('get', KEYS[2]) or '0') + 1
if fence < now then fence = now end
local value = string.format('%d', fence)
redis.call('set', KEYS[2], value, 'PX', ARGV[2])
redis.call('set', KEYS[1], value, 'PX', ARGV[1])
return value`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
/** Extend every lock KEYS[i] held with token ARGV[i+1] by ARGV[1] ms, only if all are still held: 1, else 0. */
const CHECK_AND_EXTEND = `for i, key in ipairs(KEYS) do
  if redis.call('get', key) ~= ARGV[i + 1] then return 0 end
end
for _, key in ipairs(KEYS) do redis.call('pexpire', key, ARGV[1]) end
return 1`;

/**
 * How long a lock's fencing counter outlives its last taking. It only has to bridge takings within the same
 * millisecond and a clock stepped back a little (the clock floor does the rest), so a minute is ample, and
 * Redis holds about 110 bytes (MEMORY USAGE) per aggregate locked in the last minute for it, never more.
 */
const FENCE_KEEP_MS = 60 * 1000;

export interface LockOptions {
  /** How long the lock lives if its holder dies without releasing it. */
  ttlMs?: number;
  /** How long to wait for the lock before giving up (the message is retried later). */
  waitMs?: number;
}

export interface AggregateLocksOptions {
  /**
   * Longest time a holder keeps its locks: renewal stops then, so they expire one ttl later, and
   * `lease.assertHeld()` (every fenced store write) refuses from then on. Default 2 minutes.
   */
  maxHoldMs?: number;
}

/**
 * What a holder has while it holds its locks: the fencing token of each, and the check a store write makes
 * right before it writes (docs/consistency.md, rule 1).
 */
export interface LockLease {
  /** The fencing token of the lock `key` (held by this lease): larger than that of every earlier holder. */
  fence(key: string): number;
  /**
   * Throws LockLostError unless every lock of the lease is still this holder's and its maximum hold time
   * has not passed; extends them by their ttl (one atomic step in Redis), so the write that follows has
   * a full ttl to land.
   */
  assertHeld(): Promise<void>;
}

/**
 * Short per-aggregate locks: at most one writer per order, fulfillment, shipment, return or SKU at a time
 * (one writer per aggregate, docs/consistency.md). The lock's value is a fencing token (ACQUIRE), released
 * only by its holder (compare and delete), renewed while the holder works, at most `maxHoldMs`.
 */
export class AggregateLocks {
  private readonly maxHoldMs: number;

  constructor(
    private readonly redis: Redis,
    options: AggregateLocksOptions = {},
  ) {
    this.maxHoldMs = options.maxHoldMs ?? 120000;
  }

  async withLock<T>(key: string, fn: (lease: LockLease) => Promise<T>, options: LockOptions = {}): Promise<T> {
    return this.withLocks([key], fn, options);
  }

  /** Take several locks in a fixed (sorted) order, so two holders of overlapping sets cannot deadlock. */
  async withLocks<T>(keys: string[], fn: (lease: LockLease) => Promise<T>, options: LockOptions = {}): Promise<T> {
    const sorted = [...new Set(keys)].sort();
    const held: Array<{ key: string; fence: string }> = [];
    const ttlMs = options.ttlMs ?? 30000;
    let holdUntil = Infinity; // set once every lock is taken
    // While the holder works, its locks are extended (only while still its own, and only until its maximum
    // hold time): a slow handler keeps exclusivity, a holder that dies or hangs stops extending, so its
    // locks expire after the ttl.
    const renewal = setInterval(
      () => {
        if (Date.now() > holdUntil) return clearInterval(renewal);
        for (const { key, fence } of held) void this.redis.eval(CHECK_AND_EXTEND, 1, lockKey(key), ttlMs, fence).catch(() => undefined);
      },
      Math.max(10, Math.floor(ttlMs / 3)),
    );
    renewal.unref();
    const lease: LockLease = {
      fence: (key) => {
        const lock = held.find((h) => h.key === key);
        if (!lock) throw new Error(`no lock on ${key} in this lease`);
        return Number(lock.fence);
      },
      assertHeld: async () => {
        if (Date.now() > holdUntil) throw new LockLostError(`held ${sorted.join(', ')} longer than ${this.maxHoldMs} ms: write refused`);
        const ok = await this.redis.eval(CHECK_AND_EXTEND, held.length, ...held.map((h) => lockKey(h.key)), ttlMs, ...held.map((h) => h.fence));
        if (ok !== 1) throw new LockLostError(`the lock on ${sorted.join(', ')} expired and may have a new holder: write refused`);
      },
    };
    try {
      for (const key of sorted) held.push({ key, fence: await this.acquire(key, options) });
      holdUntil = Date.now() + this.maxHoldMs;
      return await fn(lease);
    } finally {
      clearInterval(renewal);
      for (const { key, fence } of held.reverse()) await this.redis.eval(RELEASE, 1, lockKey(key), fence).catch(() => undefined);
    }
  }

  private async acquire(key: string, { ttlMs = 30000, waitMs = 10000 }: LockOptions): Promise<string> {
    const deadline = Date.now() + waitMs;
    let pause = 2;
    for (;;) {
      const fence = await this.redis.eval(ACQUIRE, 2, lockKey(key), fenceKey(key), ttlMs, FENCE_KEEP_MS);
      if (fence) return String(fence);
      if (Date.now() > deadline) throw new LockTimeoutError(`timed out waiting for the lock on ${key}`);
      await new Promise((r) => setTimeout(r, pause + Math.random() * pause));
      pause = Math.min(pause * 2, 50);
    }
  }
}

const lockKey = (key: string) => `lock:${key}`;
const fenceKey = (key: string) => `fence:${key}`;
