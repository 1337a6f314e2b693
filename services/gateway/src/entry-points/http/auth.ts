import { AppError } from '@oms/errors';
import type { RequestHandler, Response } from '@oms/http';
import type { KeyResolver } from '../../application/api-keys';
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
