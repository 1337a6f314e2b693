import { AppError, type Problem } from '@oms/errors';
import { internalAuthHeaders } from '@oms/http';
import type { Logger } from '@oms/logging';
import { CircuitBreaker, createHttpClient, UpstreamError, type HttpClient } from '@oms/resilience';
import { traceHttpClientCall, type TraceCarrier, type Tracing } from '@oms/tracing';
import type { GatewayConfig } from '../config';

/** Thrown when an internal service cannot be reached or fails: the client should come back later (503). */
export class UpstreamUnavailableError extends Error {
  override name = 'UpstreamUnavailableError';
}

export interface PdfDocument {
  bytes: Buffer;
  contentDisposition?: string;
}

/** A download that is not JSON (a PDF, a CSV export), with the type the service gave it. */
export interface Download extends PdfDocument {
  contentType?: string;
}

/**
 * One internal service's query API, behind its own timeout and circuit breaker. Answers are mapped to what
 * the public API says: 2xx is the body, 4xx becomes the same problem, anything else means "unavailable".
 * With tracing on, each query is a CLIENT span whose context the service's SERVER span continues.
 */
export class Upstream {
  private readonly client: HttpClient;
  private readonly bytesBreaker: CircuitBreaker<[string, TraceCarrier | undefined], Response>;
  private readonly authHeaders: Record<string, string>;

  constructor(
    readonly name: string,
    private readonly baseUrl: string,
    private readonly logger: Logger,
    private readonly timeoutMs: number,
    private readonly tracing?: Tracing,
    /** The shared service token the internal routes require (INTERNAL_API_TOKEN). */
    internalToken?: string,
  ) {
    this.authHeaders = internalAuthHeaders(internalToken);
    // Our own services: they continue the trace of the request that queries them.
    this.client = createHttpClient({ name, baseUrl, logger, timeoutMs, tracing, propagateTraceContext: true });
    // The JSON client cannot carry bytes (labels); this breaker guards the binary downloads the same way.
    this.bytesBreaker = new CircuitBreaker(
      async (path: string, traceHeaders: TraceCarrier | undefined) => {
        const res = await fetch(new URL(path, this.baseUrl), {
          headers: { accept: 'application/pdf, text/csv, application/json', ...this.authHeaders, ...traceHeaders },
          signal: AbortSignal.timeout(timeoutMs),
        });
        // With its status, so that the download's CLIENT span records it.
        if (res.status >= 500) throw new UpstreamError(`${name} answered ${res.status}`, res.status);
        return res;
      },
      { name: `${name}-bytes`, timeout: timeoutMs + 500, errorThresholdPercentage: 50, resetTimeout: 10000, volumeThreshold: 5 },
    );
  }

  async get<T = unknown>(path: string): Promise<T> {
    return this.call<T>('GET', path);
  }

  async post<T = unknown>(path: string, body: unknown): Promise<T> {
    return this.call<T>('POST', path, body);
  }

  async getPdf(path: string): Promise<PdfDocument> {
    const { bytes, contentDisposition } = await this.download(path);
    return { bytes, contentDisposition };
  }

  /** A text or binary answer (a CSV export) as bytes, with its content type and disposition. */
  async download(path: string): Promise<Download> {
    let res: Response;
    try {
      res = this.tracing?.enabled
        ? await traceHttpClientCall(this.tracing, { peer: this.name, method: 'GET', url: new URL(path, this.baseUrl), propagate: true }, (traceHeaders) =>
            this.bytesBreaker.fire(path, traceHeaders),
          )
        : await this.bytesBreaker.fire(path, undefined);
    } catch (err) {
      throw this.unavailable(err);
    }
    if (res.status === 401) throw this.unavailable(new Error(`${this.name} refused the service token (INTERNAL_API_TOKEN differs)`));
    if (res.status >= 400) {
      const text = await res.text().catch(() => '');
      throw refusal(this.name, res.status, safeJson(text));
    }
    return {
      bytes: Buffer.from(await res.arrayBuffer()),
      contentDisposition: res.headers.get('content-disposition') ?? undefined,
      contentType: res.headers.get('content-type') ?? undefined,
    };
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    let res;
    try {
      res = await this.client.request<T>(method, path, body, this.authHeaders);
    } catch (err) {
      throw this.unavailable(err);
    }
    // 401 from our own service is its service token not matching ours: a misconfiguration, not the client's doing.
    if (res.status === 401) throw this.unavailable(new Error(`${this.name} refused the service token (INTERNAL_API_TOKEN differs)`));
    if (res.status >= 400) throw refusal(this.name, res.status, res.body);
    return res.body;
  }

  private unavailable(err: unknown): UpstreamUnavailableError {
    this.logger.warn({ upstream: this.name, err: (err as Error).message }, 'internal service unavailable');
    return new UpstreamUnavailableError(`${this.name} is unavailable`);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function isProblem(body: unknown): body is Problem {
  return typeof body === 'object' && body !== null && typeof (body as Problem).title === 'string';
}

/** A 4xx from an internal service is an answer for the client: pass its problem through with the same status. */
function refusal(name: string, status: number, body: unknown): AppError {
  if (isProblem(body)) return AppError.fromProblem({ ...body, status });
  if (status === 404) return new AppError(404, 'Not Found', 'The resource was not found');
  return new AppError(status, 'Request Refused', `${name} refused the request`);
}

export function createUpstreams(config: GatewayConfig, logger: Logger, tracing?: Tracing) {
  const make = (name: string, url: string) => new Upstream(name, url, logger, config.UPSTREAM_TIMEOUT_MS, tracing, config.INTERNAL_API_TOKEN);
  return {
    ingestion: make('ingestion', config.INGESTION_URL),
    inventory: make('inventory', config.INVENTORY_URL),
    fulfillment: make('fulfillment', config.FULFILLMENT_URL),
    carrier: make('carrier', config.CARRIER_URL),
    returns: make('returns', config.RETURNS_URL),
    tasks: make('tasks', config.TASKS_URL),
    reports: make('reports', config.REPORTS_URL),
    paymentCheck: make('payment-check', config.PAYMENT_CHECK_URL),
  };
}

export type Upstreams = ReturnType<typeof createUpstreams>;
