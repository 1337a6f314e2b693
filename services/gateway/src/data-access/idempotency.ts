import { createHash, randomUUID } from 'node:crypto';
import type { Redis } from '@oms/redis';

/** The first answer to a request with an Idempotency-Key, kept to be replayed. */
export interface StoredAnswer {
  status: number;
  headers: Record<string, string>;
  /** The body bytes, base64. */
  body: string;
}

export type IdempotencyRecord = { state: 'in_progress'; fingerprint: string; token: string } | { state: 'done'; fingerprint: string; answer: StoredAnswer };

export type Claim = { claimed: true; token: string } | { claimed: false; record: IdempotencyRecord };

// Compare-and-set by token: only the request that claimed the key may extend, complete or release it (its claim
// may have expired and been taken over meanwhile). The token is a random UUID: a plain substring match is safe.
const EXTEND = `local v = redis.call('get', KEYS[1]) if v and string.find(v, ARGV[1], 1, true) then return redis.call('pexpire', KEYS[1], ARGV[2]) end return 0`;
const COMPLETE = `local v = redis.call('get', KEYS[1]) if v and string.find(v, ARGV[1], 1, true) then return redis.call('set', KEYS[1], ARGV[2], 'EX', ARGV[3]) end return 0`;
const RELEASE = `local v = redis.call('get', KEYS[1]) if v and string.find(v, ARGV[1], 1, true) then return redis.call('del', KEYS[1]) end return 0`;

/**
 * Idempotency records in Redis, one per (API key, Idempotency-Key), with a TTL: Redis expiry does what a TTL
 * index would (FerretDB has none), and the claim is one atomic SET NX. The Idempotency-Key is hashed into
 * the Redis key, so its length and characters do not matter there.
 */
export class IdempotencyStore {
  constructor(
    private readonly redis: Redis,
    /** How long a completed answer is kept. */
    private readonly ttlSeconds: number,
    /** How long a claim lives without being extended (a crashed gateway's claim frees itself). */
    readonly claimMs = 30_000,
  ) {}

  private redisKey(scope: string, idempotencyKey: string): string {
    return `idempotency:${createHash('sha256').update(scope).update('\0').update(idempotencyKey).digest('hex')}`;
  }

  /** Claim the key for this request, or get what is there already. */
  async claim(scope: string, idempotencyKey: string, fingerprint: string): Promise<Claim> {
    const key = this.redisKey(scope, idempotencyKey);
    for (let attempt = 0; attempt < 3; attempt++) {
      const token = randomUUID();
      const record: IdempotencyRecord = { state: 'in_progress', fingerprint, token };
      if ((await this.redis.set(key, JSON.stringify(record), 'PX', this.claimMs, 'NX')) === 'OK') return { claimed: true, token };
      const existing = await this.redis.get(key);
      if (existing) return { claimed: false, record: JSON.parse(existing) as IdempotencyRecord };
      // Expired between SET and GET: try again.
    }
    throw new Error('idempotency key could not be claimed');
  }

  async extend(scope: string, idempotencyKey: string, token: string): Promise<void> {
    await this.redis.eval(EXTEND, 1, this.redisKey(scope, idempotencyKey), token, String(this.claimMs));
  }

  async complete(scope: string, idempotencyKey: string, token: string, fingerprint: string, answer: StoredAnswer): Promise<void> {
    const record: IdempotencyRecord = { state: 'done', fingerprint, answer };
    await this.redis.eval(COMPLETE, 1, this.redisKey(scope, idempotencyKey), token, JSON.stringify(record), String(this.ttlSeconds));
  }

  /** The answer is not kept (5xx): the client may try again with the same key. */
  async release(scope: string, idempotencyKey: string, token: string): Promise<void> {
    await this.redis.eval(RELEASE, 1, this.redisKey(scope, idempotencyKey), token);
  }
}
