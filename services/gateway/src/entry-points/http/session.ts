import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { z } from 'zod';
import { AppError } from '@oms/errors';
import { express, type Response } from '@oms/http';
import type { Redis } from '@oms/redis';
import type { SessionRecord, Users } from '../../application/users';
import { apiRoute } from './api-route';
import { SESSION_COOKIE, sessionTokenOf } from './auth';

const signInBody = z.union([
  z.strictObject({ username: z.string().trim().min(1).max(100), password: z.string().min(1).max(200) }),
  z.strictObject({ apiKey: z.string().min(1).max(200).describe('The bootstrap ops key (or any ops key): the first sign-in, before any user exists') }),
]);
const sessionView = z
  .object({ actor: z.string(), name: z.string(), roles: z.array(z.string()), locale: z.string().optional(), csrfToken: z.string(), via: z.string() })
  .describe('Who is signed in, with which roles; send csrfToken as X-CSRF-Token on every request that changes something');

/** How long a console session lasts from its sign-in (then sign in again). */
export const SESSION_HOURS = 12;
/** Sign-in attempts per client address per minute: a password guesser gets 10 a minute, not thousands. */
const SIGN_INS_PER_MINUTE = 10;

const view = ({ actor, name, roles, locale, csrfToken, via }: SessionRecord) => ({ actor, name, roles, ...(locale ? { locale } : {}), csrfToken, via });

/**
 * The console's sign-in (docs/console.md): a user's password, or an ops key for the first sign-in, opens a
 * session held in an http-only, Secure, SameSite=Strict cookie; every /v1 route then accepts the session
 * like a key with the user's roles. Mounted before the API-key check: signing in needs no key.
 */
export function sessionRoutes(users: Users, redis: Redis): express.Router {
  const router = express.Router();
  const attempts = new RateLimiterRedis({ storeClient: redis, useRedisPackage: false, keyPrefix: 'sign-in', points: SIGN_INS_PER_MINUTE, duration: 60 });

  apiRoute(router, {
    method: 'post',
    path: '/session',
    summary: 'Sign in to the console: username and password, or an ops key; sets the session cookie',
    tags: ['console'],
    body: signInBody,
    errors: [401, 429],
    responses: { 201: { description: 'Signed in; the cookie oms_session is set', schema: sessionView } },
    handler: async (req, res, { body }) => {
      await limitAttempts(attempts, req.ip ?? 'unknown', res);
      const { token, session } = await users.signIn(body);
      setSessionCookie(res, token, SESSION_HOURS * 3600);
      res.status(201).setHeader('Cache-Control', 'no-store');
      res.json(view(session));
    },
  });

  apiRoute(router, {
    method: 'get',
    path: '/session',
    summary: 'The console session of this browser (204 when signed out: the console then shows its sign-in)',
    tags: ['console'],
    responses: { 200: { description: 'The session', schema: sessionView }, 204: { description: 'Not signed in' } },
    handler: async (req, res) => {
      const token = sessionTokenOf(req);
      const session = token ? await users.session(token) : undefined;
      res.setHeader('Cache-Control', 'no-store');
      if (!session) return void res.status(204).end();
      res.json(view(session));
    },
  });

  apiRoute(router, {
    method: 'delete',
    path: '/session',
    summary: 'Sign out: the session ends and its cookie is cleared',
    tags: ['console'],
    responses: { 204: { description: 'Signed out' } },
    handler: async (req, res) => {
      const token = sessionTokenOf(req);
      if (token) await users.signOut(token);
      setSessionCookie(res, '', 0);
      res.status(204).end();
    },
  });

  return router;
}

function setSessionCookie(res: Response, token: string, maxAgeSeconds: number): void {
  res.cookie(SESSION_COOKIE, token, { httpOnly: true, secure: true, sameSite: 'strict', path: '/', maxAge: maxAgeSeconds * 1000 });
}

async function limitAttempts(limiter: RateLimiterRedis, key: string, res: Response): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (rejection) {
    if (!(rejection instanceof RateLimiterRes)) return; // Redis down: the session store answers 503 next
    const seconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
    res.setHeader('Retry-After', String(seconds));
    throw new AppError(429, 'Too Many Requests', `Too many sign-in attempts; retry after ${seconds} s`);
  }
}
