import { context, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_REQUEST_METHOD_ORIGINAL,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_FULL,
} from '@opentelemetry/semantic-conventions';
import { carrierOf, type TraceCarrier } from './propagation';
import type { Tracing } from './setup';

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'CONNECT', 'TRACE']);
const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443 };

/** `peer.service`: the logical name of what is called. Development status in semconv, so named here. */
export const ATTR_PEER_SERVICE = 'peer.service';

export interface HttpClientCallDetails {
  /** The client's name, i.e. the service or provider called (`ingestion`, `payment-provider`). */
  peer: string;
  method: string;
  url: URL;
  /**
   * Send `traceparent`/`tracestate` with the request. True for our own services (their SERVER span
   * continues the trace); false for third parties, whose call is traced on our side only.
   */
  propagate: boolean;
}

/**
 * Make an outgoing HTTP call inside a CLIENT span, the child of the active span (a trace of its own when
 * none is active), following the HTTP client semantic conventions. `send` gets the trace headers to add to
 * the request, or undefined when the call must not carry them.
 *
 * The span covers the whole call as the caller sees it, circuit breaker included: a call refused by an
 * open breaker is a failed span that never reached the network. Failures (an error thrown, a 5xx, a
 * timeout, an open breaker) mark the span ERROR with `error.type`. A 4xx is an answer the caller handles
 * (an unknown order is a 404 passed on to the client), so, as for server spans, it does not.
 */
export async function traceHttpClientCall<T extends { status: number }>(
  tracing: Tracing,
  details: HttpClientCallDetails,
  send: (traceHeaders: TraceCarrier | undefined) => Promise<T>,
): Promise<T> {
  const method = details.method.toUpperCase();
  const knownMethod = KNOWN_METHODS.has(method) ? method : '_OTHER';
  const parent = context.active();
  const span = tracing.tracer.startSpan(
    knownMethod === '_OTHER' ? 'HTTP' : knownMethod,
    {
      kind: SpanKind.CLIENT,
      attributes: {
        [ATTR_HTTP_REQUEST_METHOD]: knownMethod,
        ...(knownMethod === '_OTHER' ? { [ATTR_HTTP_REQUEST_METHOD_ORIGINAL]: method } : {}),
        // Without the query string, like url.path on server spans: query values may hold personal data.
        [ATTR_URL_FULL]: `${details.url.origin}${details.url.pathname}`,
        [ATTR_SERVER_ADDRESS]: details.url.hostname,
        [ATTR_SERVER_PORT]: details.url.port ? Number(details.url.port) : (DEFAULT_PORTS[details.url.protocol] ?? 0),
        [ATTR_PEER_SERVICE]: details.peer,
      },
    },
    parent,
  );
  try {
    const result = await send(details.propagate ? carrierOf(trace.setSpan(parent, span)) : undefined);
    span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, result.status);
    if (result.status >= 500) {
      span.setAttribute(ATTR_ERROR_TYPE, String(result.status));
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
    return result;
  } catch (err) {
    markCallFailed(span, err);
    throw err;
  } finally {
    span.end();
  }
}

function markCallFailed(span: Span, err: unknown): void {
  const error = asError(err);
  const status = (err as { status?: unknown } | undefined)?.status;
  if (typeof status === 'number') span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
  span.setAttribute(ATTR_ERROR_TYPE, errorTypeOf(error, status));
  span.recordException(error);
  span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
}

/**
 * Low-cardinality `error.type`: the status code of a 5xx answer, `timeout`, `breaker_open` (opossum refused
 * the call), the network error's code (ECONNREFUSED, ...), else the error's name.
 */
function errorTypeOf(error: Error, status: unknown): string {
  if (typeof status === 'number') return String(status);
  const code = (error as { code?: unknown }).code;
  if (code === 'EOPENBREAKER') return 'breaker_open';
  // opossum's own timeout, or fetch's AbortSignal.timeout.
  if (code === 'ETIMEDOUT' || error.name === 'TimeoutError') return 'timeout';
  // fetch (undici) throws "fetch failed" with the socket error as its cause.
  const cause = (error as { cause?: { code?: unknown; name?: unknown } }).cause;
  if (cause && typeof cause.code === 'string') return cause.code;
  if (cause && cause.name === 'TimeoutError') return 'timeout';
  return typeof code === 'string' ? code : error.name || 'Error';
}

/**
 * Not `instanceof Error`: fetch's errors come from Node's own realm (undici), which is another realm than
 * the code's under Jest; anything with a string message is treated as the error it is.
 */
function asError(err: unknown): Error {
  if (typeof err === 'object' && err !== null && typeof (err as Error).message === 'string') return err as Error;
  return new Error(String(err));
}
