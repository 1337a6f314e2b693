import { createHash, randomUUID } from 'node:crypto';
import type { Redis } from '@oms/redis';

/** The first answer to a request with an Idempotency-Key, kept to be replayed. */
export interface StoredAnswer {
  status: number;
  headers: Record<string, string>;
  /** The body bytes, raw-deflated when `deflated`. */
  body: Buffer;
  deflated?: boolean;
  /** The body is the route's summary of an answer too large to keep (the entry point bounds what is kept). */
  summary?: boolean;
}

export type IdempotencyRecord = { state: 'in_progress'; fingerprint: string; token: string } | { state: 'done'; fingerprint: string; answer: StoredAnswer };

/**
 * A record as Redis holds it: one line of JSON (the state, fingerprint, status and headers), then the body's
 * bytes as they are. Binary, not base64: a third more answer fits the same bound (docs/limits.md).
 */
export function encodeRecord(record: IdempotencyRecord): Buffer {
  if (record.state === 'in_progress') return Buffer.from(JSON.stringify(record));
  const { body, ...answer } = record.answer;
  return Buffer.concat([Buffer.from(JSON.stringify({ state: record.state, fingerprint: record.fingerprint, answer })), Buffer.from('\n'), body]);
}

export function decodeRecord(value: Buffer): IdempotencyRecord {
  const newline = value.indexOf(10);
  const head = JSON.parse(value.subarray(0, newline === -1 ? value.length : newline).toString('utf8')) as
    IdempotencyRecord | { state: 'done'; fingerprint: string; answer: Omit<StoredAnswer, 'body'> & { body?: string } };
  if (head.state === 'in_progress') return head;
  // A record written before bodies were stored as bytes has its body in the JSON, base64.
  const legacyBody = (head.answer as { body?: unknown }).body;
  const body = newline === -1 ? Buffer.from(typeof legacyBody === 'string' ? legacyBody : '', 'base64') : value.subarray(newline + 1);
  return { state: 'done', fingerprint: head.fingerprint, answer: { ...head.answer, body } };
}

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
      if ((await this.redis.set(key, encodeRecord(record), 'PX', this.claimMs, 'NX')) === 'OK') return { claimed: true, token };
      const existing = await this.redis.getBuffer(key);
      if (existing) return { claimed: false, record: decodeRecord(existing) };
      // Expired between SET and GET: try again.
    }
    throw new Error('idempotency key could not be claimed');
  }

  async extend(scope: string, idempotencyKey: string, token: string): Promise<void> {
    await this.redis.eval(EXTEND, 1, this.redisKey(scope, idempotencyKey), token, String(this.claimMs));
  }

  async complete(scope: string, idempotencyKey: string, token: string, fingerprint: string, answer: StoredAnswer): Promise<void> {
    const record: IdempotencyRecord = { state: 'done', fingerprint, answer };
    await this.redis.eval(COMPLETE, 1, this.redisKey(scope, idempotencyKey), token, encodeRecord(record), String(this.ttlSeconds));
  }

  /** The answer is not kept (5xx): the client may try again with the same key. */
  async release(scope: string, idempotencyKey: string, token: string): Promise<void> {
    await this.redis.eval(RELEASE, 1, this.redisKey(scope, idempotencyKey), token);
  }
}
