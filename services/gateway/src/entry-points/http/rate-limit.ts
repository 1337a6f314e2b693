import { AppError } from '@oms/errors';
import type { RequestHandler } from '@oms/http';
import type { Logger } from '@oms/logging';
import type { Redis } from '@oms/redis';
import { BurstyRateLimiter, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { principalOf } from './auth';

export interface RateLimitOptions {
  perSecond: number;
  /** Extra requests above the rate within any BURST_WINDOW_SECONDS (0: none). */
  burst: number;
}

const BURST_WINDOW_SECONDS = 10;

interface Limiter {
  consume(key: string, points?: number): Promise<RateLimiterRes>;
}

/**
 * Requests per API key (its actor), counted in Redis so every gateway instance shares one budget. Mounted after
 * authentication: the key is known, and unauthenticated floods are answered by the cheaper 401 path.
 * The ioredis client carries the service's key prefix already; ours is added under it.
 */
export function rateLimitPerKey(redis: Redis, options: RateLimitOptions, logger: Logger): RequestHandler {
  // rejectIfRedisNotReady: while Redis is down, fail at once instead of waiting in the client's offline queue.
  const base = { storeClient: redis, useRedisPackage: false, rejectIfRedisNotReady: true };
  const perSecond = new RateLimiterRedis({ ...base, keyPrefix: 'ratelimit', points: options.perSecond, duration: 1 });
  const limiter: Limiter =
    options.burst > 0
      ? new BurstyRateLimiter(perSecond, new RateLimiterRedis({ ...base, keyPrefix: 'ratelimit-burst', points: options.burst, duration: BURST_WINDOW_SECONDS }))
      : perSecond;
  let lastWarning = 0;

  return async (_req, res, next) => {
    const { actor } = principalOf(res);
    try {
      const r = await limiter.consume(actor);
      setRateLimitHeaders(res, options.perSecond, r);
      return next();
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) {
        const seconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
        setRateLimitHeaders(res, options.perSecond, rejection);
        res.setHeader('Retry-After', String(seconds));
        return next(new AppError(429, 'Too Many Requests', `The rate limit of this API key is exceeded; retry after ${seconds} s`));
      }
      // Fail open: a Redis outage must not take the whole API down with a 5xx for every request. Rate limiting
      // protects capacity; losing it for a while is the smaller harm. Logged at most every 10 s.
      if (Date.now() - lastWarning > 10_000) {
        lastWarning = Date.now();
        logger.warn({ err: (rejection as Error)?.message }, 'rate limiter unavailable; letting requests through');
      }
      return next();
    }
  };
}

/** The RateLimit-* fields of the IETF httpapi draft (limit per window, remaining, seconds to reset). */
function setRateLimitHeaders(res: { setHeader(name: string, value: string): unknown }, limit: number, r: RateLimiterRes): void {
  res.setHeader('RateLimit-Limit', String(limit));
  res.setHeader('RateLimit-Remaining', String(Math.max(0, r.remainingPoints)));
  res.setHeader('RateLimit-Reset', String(Math.max(0, Math.ceil(r.msBeforeNext / 1000))));
}
