import { createHash } from 'node:crypto';
import type { Redis } from '@oms/redis';

/** What a console session holds: who signed in, with which roles, and the CSRF token of its requests. */
export interface SessionRecord {
  actor: string;
  roles: string[];
  /** What the console shows as the user's name. */
  name: string;
  locale?: string;
  csrfToken: string;
  /** How the session began: a user's password, or the bootstrap ops key (the first sign-in). */
  via: 'password' | 'api-key';
  createdAt: string;
}

/**
 * Console sessions in Redis, under the SHA-256 of the cookie's token (the token itself is stored nowhere), each
 * with its time to live. Short shared state: a Redis restart signs everyone out, and they sign in again.
 */
export class SessionStore {
  constructor(
    private readonly redis: Redis,
    private readonly ttlSeconds: number,
  ) {}

  async create(token: string, record: SessionRecord): Promise<void> {
    await this.redis.set(keyOf(token), JSON.stringify(record), 'EX', this.ttlSeconds);
  }

  async get(token: string): Promise<SessionRecord | undefined> {
    const stored = await this.redis.get(keyOf(token));
    return stored ? (JSON.parse(stored) as SessionRecord) : undefined;
  }

  async delete(token: string): Promise<void> {
    await this.redis.del(keyOf(token));
  }
}

const keyOf = (token: string) => `session:${createHash('sha256').update(token, 'utf8').digest('hex')}`;
