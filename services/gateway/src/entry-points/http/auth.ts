import { createHash, timingSafeEqual } from 'node:crypto';
import { parseCookie } from 'cookie';
import { AppError } from '@oms/errors';
import type { Request, RequestHandler, Response } from '@oms/http';
import type { KeyResolver } from '../../application/api-keys';
import type { SessionRecord } from '../../application/users';
import { isOps, mayUseChannel, type Principal } from '../../domain/access/principal';

export type { Principal } from '../../domain/access/principal';

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

function unauthorized(res: Response, detail: string, error?: string): AppError {
  res.setHeader('WWW-Authenticate', error ? `Bearer error="${error}"` : 'Bearer');
  return new AppError(401, 'Unauthorized', detail);
}

/** The console's session cookie (docs/console.md): http-only, Secure, SameSite=Strict. */
export const SESSION_COOKIE = 'oms_session';
/** The header a console request that changes something carries: the session's CSRF token. */
export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export const sessionTokenOf = (req: Request): string | undefined => parseCookie(req.get('cookie') ?? '')[SESSION_COOKIE];

/**
 * `Authorization: Bearer <key>` (an API key), or the console's session cookie, on every request; the principal
 * is left in `res.locals.principal`. A session's request that may change something must also carry the
 * session's CSRF token in `X-CSRF-Token`: a page of another site can make the browser send the cookie, but
 * cannot read the token (SameSite=Strict is the first line, this the second).
 */
export function requireApiKey(resolve: KeyResolver, sessions?: SessionResolver): RequestHandler {
  return async (req, res, next) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '');
    const sessionToken = match ? undefined : sessionTokenOf(req);
    if (sessionToken && sessions) return void sessionPrincipal(sessions, sessionToken, req, res).then(() => next(), next);
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

export type SessionResolver = (token: string) => Promise<SessionRecord | undefined>;

async function sessionPrincipal(sessions: SessionResolver, token: string, req: Request, res: Response): Promise<void> {
  const session = await sessions(token);
  if (!session) throw new AppError(401, 'Unauthorized', 'The session has ended: sign in again');
  if (!SAFE_METHODS.has(req.method) && !sameToken(req.get(CSRF_HEADER) ?? '', session.csrfToken))
    throw new AppError(403, 'Forbidden', `A console request that changes something needs the session's CSRF token in ${CSRF_HEADER}`);
  res.locals.principal = { actor: session.actor, roles: session.roles } satisfies Principal;
}

function sameToken(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

export function principalOf(res: Response): Principal {
  const principal = res.locals.principal as Principal | undefined;
  if (!principal) throw new AppError(401, 'Unauthorized', 'Not authenticated');
  return principal;
}
