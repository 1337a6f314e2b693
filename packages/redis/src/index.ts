import { randomUUID } from 'node:crypto';
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

const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
const EXTEND = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;

export interface LockOptions {
  /** How long the lock lives if its holder dies without releasing it. */
  ttlMs?: number;
  /** How long to wait for the lock before giving up (the message is retried later). */
  waitMs?: number;
}

/**
 * Short per-aggregate locks: at most one writer per order, fulfillment, shipment, return or SKU at a time
 * (one writer per aggregate, docs/consistency.md). SET NX PX with a random token; released only by its holder (compare and delete).
 */
export class AggregateLocks {
  constructor(private readonly redis: Redis) {}

  async withLock<T>(key: string, fn: () => Promise<T>, options: LockOptions = {}): Promise<T> {
    return this.withLocks([key], fn, options);
  }

  /** Take several locks in a fixed (sorted) order, so two holders of overlapping sets cannot deadlock. */
  async withLocks<T>(keys: string[], fn: () => Promise<T>, options: LockOptions = {}): Promise<T> {
    const sorted = [...new Set(keys)].sort();
    const held: Array<{ key: string; token: string }> = [];
    const ttlMs = options.ttlMs ?? 30000;
    // While the holder works, its locks are extended (only while still its own): a slow handler keeps
    // exclusivity, and a holder that dies stops extending, so its locks expire after the ttl.
    const renewal = setInterval(
      () => {
        for (const { key, token } of held) void this.redis.eval(EXTEND, 1, `lock:${key}`, token, ttlMs).catch(() => undefined);
      },
      Math.max(10, Math.floor(ttlMs / 3)),
    );
    renewal.unref();
    try {
      for (const key of sorted) held.push({ key, token: await this.acquire(key, options) });
      return await fn();
    } finally {
      clearInterval(renewal);
      for (const { key, token } of held.reverse()) await this.redis.eval(RELEASE, 1, `lock:${key}`, token).catch(() => undefined);
    }
  }

  private async acquire(key: string, { ttlMs = 30000, waitMs = 10000 }: LockOptions): Promise<string> {
    const token = randomUUID();
    const deadline = Date.now() + waitMs;
    let pause = 2;
    for (;;) {
      if ((await this.redis.set(`lock:${key}`, token, 'PX', ttlMs, 'NX')) === 'OK') return token;
      if (Date.now() > deadline) throw new LockTimeoutError(`timed out waiting for the lock on ${key}`);
      await new Promise((r) => setTimeout(r, pause + Math.random() * pause));
      pause = Math.min(pause * 2, 50);
    }
  }
}
