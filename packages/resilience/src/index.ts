import CircuitBreaker from 'opossum';
import { Gauge } from 'prom-client';
import type { Logger } from '@oms/logging';

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
});

export interface HttpClientOptions {
  name: string;
  baseUrl: string;
  logger: Logger;
  timeoutMs?: number;
  /** Percentage of failures in the rolling window that opens the breaker. */
  errorThresholdPercentage?: number;
  resetTimeoutMs?: number;
}

export interface JsonResponse<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

/**
 * JSON over HTTP to a third party (or to an internal query API), with a timeout per call and a circuit
 * breaker around it: while the breaker is open, calls fail at once instead of piling up. 4xx answers are
 * results, not failures of the upstream, so they do not count against the breaker.
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
  const breaker = new CircuitBreaker(call, {
    name: options.name,
    timeout: timeoutMs + 500,
    errorThresholdPercentage: options.errorThresholdPercentage ?? 50,
    resetTimeout: options.resetTimeoutMs ?? 10000,
    volumeThreshold: 5,
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
  return {
    breaker,
    request: <T = unknown>(method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
      breaker.fire(method, path, body, headers) as Promise<JsonResponse<T>>,
    get: <T = unknown>(path: string) => breaker.fire('GET', path) as Promise<JsonResponse<T>>,
    post: <T = unknown>(path: string, body: unknown, headers?: Record<string, string>) => breaker.fire('POST', path, body, headers) as Promise<JsonResponse<T>>,
  };
}
export type HttpClient = ReturnType<typeof createHttpClient>;
