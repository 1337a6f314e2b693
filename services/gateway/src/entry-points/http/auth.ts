import { createHash, timingSafeEqual } from 'node:crypto';
import { AppError } from '@oms/errors';
import type { RequestHandler, Response } from '@oms/http';

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

/** Maps a presented API key to its principal; stored, hashed keys with roles plug in here later. */
export type KeyResolver = (presentedKey: string) => Promise<Principal | undefined> | Principal | undefined;

const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** The bootstrap `ops` key from the configuration. Hashing both sides gives equal lengths for timingSafeEqual. */
export function bootstrapKey(key: string): KeyResolver {
  const expected = sha256(key);
  return (presented) => (timingSafeEqual(sha256(presented), expected) ? { actor: 'api-key:bootstrap', roles: ['ops'] } : undefined);
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
    const principal = await resolve(match[1]);
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
