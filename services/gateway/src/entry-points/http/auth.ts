import { createHash, timingSafeEqual } from 'node:crypto';
import { AppError } from '@oms/errors';
import type { RequestHandler, Response } from '@oms/http';
import { hashApiKey, KEY_PREFIX, type ApiKeyDocument, type ApiKeyRepository } from '../../data-access/api-keys';

/** Who is calling. `actor` goes into commands and events: a short stable id, never the key itself. */
export interface Principal {
  actor: string;
  /** `ops` (everything), `channel:<id>` (its own channel's orders), `partner:<id>` (its own shipments). */
  roles: string[];
}

export const isOps = (p: Principal) => p.roles.includes('ops');

/** Channels whose orders this key may create and read: 'all' for ops. */
export function channelsOf(p: Principal): 'all' | string[] {
  if (isOps(p)) return 'all';
  return p.roles.filter((r) => r.startsWith('channel:')).map((r) => r.slice('channel:'.length));
}

export function mayUseChannel(p: Principal, channelId: string): boolean {
  const channels = channelsOf(p);
  return channels === 'all' || channels.includes(channelId);
}

/** Ops-only routes: anyone else gets 403. */
export function requireOps(res: Response): Principal {
  const p = principalOf(res);
  if (!isOps(p)) throw new AppError(403, 'Forbidden', 'This needs an ops key');
  return p;
}

/** Creating an order for a channel the key does not own is forbidden (403). */
export function assertMayWriteChannel(res: Response, channelId: string): Principal {
  const p = principalOf(res);
  if (!mayUseChannel(p, channelId)) throw new AppError(403, 'Forbidden', `This key may not submit orders for channel ${channelId}`);
  return p;
}

/** Another tenant's object is not found (404), never "forbidden": its existence is not revealed. */
export function assertMayReadChannel(res: Response, channelId: string, what: string): Principal {
  const p = principalOf(res);
  if (!mayUseChannel(p, channelId)) throw new AppError(404, 'Not Found', `${what} was not found`);
  return p;
}

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

function unauthorized(res: Response, detail: string, error?: string): AppError {
  res.setHeader('WWW-Authenticate', error ? `Bearer error="${error}"` : 'Bearer');
  return new AppError(401, 'Unauthorized', detail);
}

/** `Authorization: Bearer <key>` on every request; the principal is left in `res.locals.principal`. */
export function requireApiKey(resolve: KeyResolver): RequestHandler {
  return async (req, res, next) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '');
    if (!match) return next(unauthorized(res, 'An API key is required: Authorization: Bearer <key>'));
    let principal: Principal | undefined;
    try {
      principal = await resolve(match[1]);
    } catch (err) {
      return next(err);
    }
    if (!principal) return next(unauthorized(res, 'The API key is not valid', 'invalid_token'));
    res.locals.principal = principal;
    next();
  };
}

export function principalOf(res: Response): Principal {
  const principal = res.locals.principal as Principal | undefined;
  if (!principal) throw new AppError(401, 'Unauthorized', 'Not authenticated');
  return principal;
}
