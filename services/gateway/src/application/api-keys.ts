import { createHash, timingSafeEqual } from 'node:crypto';
import { AppError } from '@oms/errors';
import { hashApiKey, KEY_PREFIX, type ApiKeyDocument, type ApiKeyRepository, type ApiKeyView } from '../data-access/api-keys';
import type { Principal } from '../domain/access/principal';

/** Maps a presented API key to its principal, or undefined for an unknown or revoked key. */
export type KeyResolver = (presentedKey: string) => Promise<Principal | undefined> | Principal | undefined;

const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** The bootstrap `ops` key from the configuration. Hashing both sides gives equal lengths for timingSafeEqual. */
export function bootstrapKey(key: string): KeyResolver {
  const expected = sha256(key);
  return (presented) => (timingSafeEqual(sha256(presented), expected) ? { actor: 'api-key:bootstrap', roles: ['ops'] } : undefined);
}

/** The first resolver that knows the key wins (bootstrap first: it needs no database). */
export function anyKey(...resolvers: KeyResolver[]): KeyResolver {
  return async (presented) => {
    for (const resolve of resolvers) {
      const principal = await resolve(presented);
      if (principal) return principal;
    }
    return undefined;
  };
}

const CACHE_MAX_ENTRIES = 10_000;

/**
 * Keys created through /v1/api-keys, found by the SHA-256 of the presented key. Answers (known, unknown or
 * revoked) are remembered for at most `cacheMs`, so a revocation reaches every gateway instance within that
 * time; the instance that revoked forgets the key at once (`forget`). The cache is bounded: presenting
 * random keys cannot grow it without limit.
 */
export class StoredKeys {
  private readonly cache = new Map<string, { principal: Principal | undefined; until: number }>();

  constructor(
    private readonly repository: ApiKeyRepository,
    private readonly cacheMs: number,
  ) {}

  readonly resolve: KeyResolver = async (presented) => {
    if (!presented.startsWith(KEY_PREFIX)) return undefined;
    const hash = hashApiKey(presented);
    const cached = this.cache.get(hash);
    if (cached && cached.until > Date.now()) return cached.principal;
    let doc: ApiKeyDocument | null;
    try {
      doc = await this.repository.findByHash(hash);
    } catch {
      throw new AppError(503, 'Service Unavailable', 'API keys cannot be checked right now; try again shortly');
    }
    // The lookup was by hash already; the constant-time compare keeps every secret comparison uniform.
    const valid = !!doc && !doc.revokedAt && timingSafeEqual(Buffer.from(doc.hash, 'hex'), Buffer.from(hash, 'hex'));
    const principal = valid && doc ? { actor: `api-key:${doc._id}`, roles: doc.roles } : undefined;
    if (this.cacheMs > 0) {
      if (this.cache.size >= CACHE_MAX_ENTRIES) this.cache.delete(this.cache.keys().next().value as string);
      this.cache.delete(hash);
      this.cache.set(hash, { principal, until: Date.now() + this.cacheMs });
    }
    return principal;
  };

  /** Drops a revoked key from this instance's cache at once. */
  forget(id: string): void {
    const actor = `api-key:${id}`;
    for (const [hash, entry] of this.cache) if (entry.principal?.actor === actor) this.cache.delete(hash);
  }
}

/** The key store is a database: when it cannot answer, the client may retry (503), never a 500. */
async function store<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch {
    throw new AppError(503, 'Service Unavailable', 'The API key store is unavailable; try again shortly');
  }
}

/** Creating, listing and revoking the stored API keys. */
export class ApiKeys {
  constructor(
    private readonly repository: ApiKeyRepository,
    private readonly stored: StoredKeys,
  ) {}

  /** A new key with these roles (each once); the key itself is in this answer only. */
  create(name: string, roles: string[], createdBy: string): Promise<{ view: ApiKeyView; key: string }> {
    return store(() => this.repository.create(name, [...new Set(roles)], createdBy));
  }

  list(): Promise<ApiKeyView[]> {
    return store(() => this.repository.list());
  }

  /** Refused from now on, on this instance at once; 404 for a key that does not exist. */
  async revoke(id: string, by: string): Promise<void> {
    if (!(await store(() => this.repository.revoke(id, by)))) throw new AppError(404, 'Not Found', `API key ${id} was not found`);
    this.stored.forget(id);
  }
}
