import { BurstyRateLimiter, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { AppError } from '@oms/errors';
import type { RequestHandler } from '@oms/http';
import type { Logger } from '@oms/logging';
import type { Redis } from '@oms/redis';
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
  const shared: Limiter =
    options.burst > 0
      ? new BurstyRateLimiter(perSecond, new RateLimiterRedis({ ...base, keyPrefix: 'ratelimit-burst', points: options.burst, duration: BURST_WINDOW_SECONDS }))
      : perSecond;
  const limiter = new LeasedLimiter(shared, leaseSize(options.perSecond), options.perSecond);
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

/**
 * Requests taken from the shared budget at a time: 1% of the rate (1 for small rates, so they stay exact).
 * At most one lease per gateway instance per window can go unused, so the error is small while Redis sees
 * one call per lease instead of one per request.
 */
export const leaseSize = (perSecond: number) => Math.max(1, Math.floor(perSecond / 100));

interface Lease {
  left: number;
  /** When the shared window the points came from ends (epoch ms); unused points lapse with it. */
  until: number;
  /** The shared budget's answer when the lease was taken, for the RateLimit-* headers. */
  shared: RateLimiterRes;
}

/**
 * Takes points from the shared (Redis) budget `size` at a time and hands them out locally. Requests that
 * arrive while a lease is being fetched wait for that one fetch. A refused lease refuses the request.
 */
export class LeasedLimiter implements Limiter {
  private readonly leases = new Map<string, Lease>();
  private readonly fetching = new Map<string, Promise<void>>();

  constructor(
    private readonly shared: Limiter,
    private readonly size: number,
    private readonly limit: number,
  ) {}

  async consume(key: string): Promise<RateLimiterRes> {
    for (;;) {
      const lease = this.leases.get(key);
      if (lease && lease.left > 0 && lease.until > Date.now()) {
        lease.left--;
        const { remainingPoints, consumedPoints, isFirstInDuration } = lease.shared;
        return new RateLimiterRes(remainingPoints + lease.left, Math.max(0, lease.until - Date.now()), consumedPoints, isFirstInDuration);
      }
      let pending = this.fetching.get(key);
      if (!pending) {
        pending = this.takeLease(key).finally(() => this.fetching.delete(key));
        this.fetching.set(key, pending);
      }
      await pending; // a refusal or a Redis error rejects every waiter alike
    }
  }

  private async takeLease(key: string): Promise<void> {
    let res: RateLimiterRes;
    let points = this.size;
    try {
      res = await this.shared.consume(key, this.size);
    } catch (refusal) {
      // The shared counter went past the limit with this lease: the points that were still left before it
      // are ours (the window is spent for everyone else now). None left: the request is refused.
      if (!(refusal instanceof RateLimiterRes)) throw refusal;
      points = Math.min(this.size, this.limit - (refusal.consumedPoints - this.size));
      if (points <= 0) throw refusal;
      res = refusal;
    }
    if (this.leases.size > 10_000) this.leases.clear(); // keys are API keys; bound the map anyway
    this.leases.set(key, { left: points, until: Date.now() + res.msBeforeNext, shared: res });
  }
}

/** The RateLimit-* fields of the IETF httpapi draft (limit per window, remaining, seconds to reset). */
function setRateLimitHeaders(res: { setHeader(name: string, value: string): unknown }, limit: number, r: RateLimiterRes): void {
  res.setHeader('RateLimit-Limit', String(limit));
  res.setHeader('RateLimit-Remaining', String(Math.max(0, r.remainingPoints)));
  res.setHeader('RateLimit-Reset', String(Math.max(0, Math.ceil(r.msBeforeNext / 1000))));
}
