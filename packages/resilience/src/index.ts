import CircuitBreaker from 'opossum';
import { Gauge } from 'prom-client';
import type { Logger } from '@oms/logging';
import { traceHttpClientCall, type Tracing } from '@oms/tracing';

export { CircuitBreaker };

export class UpstreamError extends Error {
  override name = 'UpstreamError';
  constructor(
    message: string,
    readonly status?: number,
    readonly body?: unknown,
  ) {
    super(message);
  }
}

const breakerState = new Gauge({
  name: 'oms_circuit_breaker_open',
  help: '1 while the named circuit breaker is open',
  labelNames: ['breaker'],
  // With HTTP_WORKERS, /metrics sums the workers: a breaker is open when it is open in any of them.
  aggregator: 'max',
});

export interface HttpClientOptions {
  name: string;
  baseUrl: string;
  logger: Logger;
  timeoutMs?: number;
  /** Percentage of failures in the rolling window that opens the breaker. */
  errorThresholdPercentage?: number;
  resetTimeoutMs?: number;
  /** The service's tracing (`ctx.tracing`): when on, every call is a CLIENT span. Off when not given. */
  tracing?: Tracing;
  /**
   * Send the W3C `traceparent`/`tracestate` headers with each call (tracing on only). True for our own
   * services, whose SERVER span then continues the trace; left false for third parties (payment provider,
   * carrier): their calls are still CLIENT spans, but our trace context stays inside (docs/observability.md).
   */
  propagateTraceContext?: boolean;
}

export interface JsonResponse<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

/**
 * JSON over HTTP to a third party (or to an internal query API), with a timeout per call and a circuit
 * breaker around it: while the breaker is open, calls fail at once instead of piling up. 4xx answers are
 * results, not failures of the upstream, so they do not count against the breaker. With tracing on, each
 * call (breaker included) is a CLIENT span.
 */
export function createHttpClient(options: HttpClientOptions) {
  const timeoutMs = options.timeoutMs ?? 3000;
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<JsonResponse> => {
    const res = await fetch(new URL(path, options.baseUrl), {
      method,
      headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: keep the text
    }
    if (res.status >= 500) throw new UpstreamError(`${options.name} answered ${res.status}`, res.status, parsed);
    return { status: res.status, body: parsed, headers: res.headers };
  };
  const breaker = circuitBreaker(call, {
    name: options.name,
    logger: options.logger,
    timeoutMs: timeoutMs + 500,
    errorThresholdPercentage: options.errorThresholdPercentage,
    resetTimeoutMs: options.resetTimeoutMs,
  });
  const tracing = options.tracing;
  const propagate = options.propagateTraceContext ?? false;
  const fire = <T>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<JsonResponse<T>> => {
    if (!tracing?.enabled) return breaker.fire(method, path, body, headers) as Promise<JsonResponse<T>>;
    // The span is outside the breaker, so that a call the open breaker refuses is a failed span too.
    return traceHttpClientCall(tracing, { peer: options.name, method, url: new URL(path, options.baseUrl), propagate }, (traceHeaders) =>
      breaker.fire(method, path, body, traceHeaders ? { ...headers, ...traceHeaders } : headers),
    ) as Promise<JsonResponse<T>>;
  };
  return {
    breaker,
    request: <T = unknown>(method: string, path: string, body?: unknown, headers?: Record<string, string>) => fire<T>(method, path, body, headers),
    get: <T = unknown>(path: string) => fire<T>('GET', path),
    post: <T = unknown>(path: string, body: unknown, headers?: Record<string, string>) => fire<T>('POST', path, body, headers),
    delete: <T = unknown>(path: string) => fire<T>('DELETE', path),
  };
}
export type HttpClient = ReturnType<typeof createHttpClient>;

export interface BreakerOptions {
  /** Shown in logs and as the `breaker` label of `oms_circuit_breaker_open`. */
  name: string;
  logger: Logger;
  /** A call still running after this counts as failed (and is answered with opossum's ETIMEDOUT). */
  timeoutMs: number;
  errorThresholdPercentage?: number;
  resetTimeoutMs?: number;
  /** Calls in the rolling window before failures can open the breaker. */
  volumeThreshold?: number;
  /** An error for which this returns true is passed on without counting against the breaker (a 4xx verdict). */
  ignoreError?: (err: unknown) => boolean;
}

/**
 * A circuit breaker around any call to a third party (opossum), with the gauge and the log lines every breaker
 * of the system shares. createHttpClient uses it for JSON APIs; a caller with its own transport (the gateway's
 * webhook deliveries, which connect to a checked address) wraps that transport in one.
 */
export function circuitBreaker<A extends unknown[], R>(call: (...args: A) => Promise<R>, options: BreakerOptions): CircuitBreaker<A, R> {
  const breaker = new CircuitBreaker(call, {
    name: options.name,
    timeout: options.timeoutMs,
    errorThresholdPercentage: options.errorThresholdPercentage ?? 50,
    resetTimeout: options.resetTimeoutMs ?? 10000,
    volumeThreshold: options.volumeThreshold ?? 5,
    ...(options.ignoreError ? { errorFilter: options.ignoreError } : {}),
  });
  breaker.on('open', () => {
    breakerState.set({ breaker: options.name }, 1);
    options.logger.warn({ breaker: options.name }, 'circuit breaker open');
  });
  breaker.on('close', () => {
    breakerState.set({ breaker: options.name }, 0);
    options.logger.info({ breaker: options.name }, 'circuit breaker closed');
  });
  breakerState.set({ breaker: options.name }, 0);
  return breaker;
}
