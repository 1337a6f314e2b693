import { createHash, timingSafeEqual } from 'node:crypto';
import { AppError } from '@oms/errors';
import type { RequestHandler, Response } from '@oms/http';

/** Who is calling. `actor` goes into commands and events: a short stable id, never the key itself. */
export interface Principal {
  actor: string;
  roles: string[];
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
