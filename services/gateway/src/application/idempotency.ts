import type { Claim, StoredAnswer } from '../data-access/idempotency';

export type { StoredAnswer } from '../data-access/idempotency';

/** The Idempotency-Key records the HTTP guard keeps: one per (API key, Idempotency-Key), with a TTL. */
export interface IdempotencyRecords {
  /** How long a claim lives without being extended (a crashed gateway's claim frees itself). */
  readonly claimMs: number;
  /** Claim the key for this request, or get what is there already. */
  claim(scope: string, idempotencyKey: string, fingerprint: string): Promise<Claim>;
  extend(scope: string, idempotencyKey: string, token: string): Promise<void>;
  complete(scope: string, idempotencyKey: string, token: string, fingerprint: string, answer: StoredAnswer): Promise<void>;
  /** The answer is not kept (5xx): the client may try again with the same key. */
  release(scope: string, idempotencyKey: string, token: string): Promise<void>;
}
