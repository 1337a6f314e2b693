import { createHash } from 'node:crypto';
import type { VelocityKind } from '@oms/contracts';
import type { Redis } from '@oms/redis';

/**
 * Counts orders per email, phone, card, IP and address in a sliding window, in Redis: one sorted set per
 * value, members the checks (so a redelivered check counts once), scored by time. Bounded three ways: entries
 * older than the window are dropped at each count, a set keeps at most MAX_PER_VALUE entries (a count
 * above it reads as MAX_PER_VALUE, far over any sensible limit), and a set expires a window after its last
 * order. Values are hashed: Redis holds no email or address in clear. About 150 bytes per value and order in the window (docs/redis.md).
 */
const MAX_PER_VALUE = 200;

/**
 * A short SHA-256 of a value (base64url, `chars` characters): Redis and the checks keep hashes of emails and
 * addresses, never the values. Short keeps a velocity window small: 96 bits for a value, 72 for a check.
 */
export const shortHash = (value: string, chars: number) => createHash('sha256').update(value).digest('base64url').slice(0, chars);
const keyOf = (kind: VelocityKind, value: string) => `fraud:v:${kind}:${shortHash(value, 16)}`;

export class VelocityCounter {
  constructor(private readonly redis: Redis) {}

  /** Record the check under each value and return how many checks each value has in the window (this one included). */
  async count(
    checkId: string,
    values: Partial<Record<VelocityKind, string>>,
    windowMs: number,
    now = Date.now(),
  ): Promise<Partial<Record<VelocityKind, number>>> {
    const kinds = Object.keys(values) as VelocityKind[];
    const pipeline = this.redis.multi();
    const member = shortHash(checkId, 12);
    for (const kind of kinds) {
      const key = keyOf(kind, values[kind]!);
      pipeline
        .zadd(key, now, member)
        .zremrangebyscore(key, '-inf', now - windowMs)
        .zremrangebyrank(key, 0, -(MAX_PER_VALUE + 1))
        .zcard(key)
        .pexpire(key, windowMs);
    }
    const replies = (await pipeline.exec()) ?? [];
    const counts: Partial<Record<VelocityKind, number>> = {};
    kinds.forEach((kind, i) => {
      const [error, count] = replies[i * 5 + 3] ?? [new Error('no reply')];
      if (error) throw error;
      counts[kind] = Number(count);
    });
    return counts;
  }
}
