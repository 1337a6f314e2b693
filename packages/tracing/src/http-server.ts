import type { IncomingMessage } from 'node:http';
import { context, SpanKind, SpanStatusCode, trace, type Context, type Span } from '@opentelemetry/api';
import {
  ATTR_CLIENT_ADDRESS,
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_REQUEST_METHOD_ORIGINAL,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_NETWORK_PROTOCOL_VERSION,
  ATTR_URL_PATH,
  ATTR_URL_SCHEME,
  ATTR_USER_AGENT_ORIGINAL,
} from '@opentelemetry/semantic-conventions';
import { contextFromHeaders } from './propagation';
import type { Tracing } from './setup';

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'CONNECT', 'TRACE']);

/** One request's SERVER span, and the context to run the request's work in. */
export interface HttpServerSpan {
  readonly span: Span;
  /** Run `fn` with this span active, so that whatever it starts (publishes, commands) becomes its child. */
  run<T>(fn: () => T): T;
  /** End the span with the matched route (low cardinality, e.g. `/v1/orders/:id`) and the status sent. */
  end(route: string | undefined, status: number): void;
  /** The response was not completed (the client went away). */
  abort(): void;
}

/**
 * Start the SERVER span of an incoming request, continuing the trace of its `traceparent`/`tracestate`
 * headers when it has them (HTTP semantic conventions; the query string is left out, it may hold personal data).
 */
export function startHttpServerSpan(tracing: Tracing, req: IncomingMessage): HttpServerSpan {
  const method = (req.method ?? 'GET').toUpperCase();
  const knownMethod = KNOWN_METHODS.has(method) ? method : '_OTHER';
  const queryAt = (req.url ?? '/').indexOf('?');
  const userAgent = req.headers['user-agent'];
  const parent = contextFromHeaders(req.headers);
  const span = tracing.tracer.startSpan(
    knownMethod === '_OTHER' ? 'HTTP' : knownMethod,
    {
      kind: SpanKind.SERVER,
      attributes: {
        [ATTR_HTTP_REQUEST_METHOD]: knownMethod,
        ...(knownMethod === '_OTHER' ? { [ATTR_HTTP_REQUEST_METHOD_ORIGINAL]: method } : {}),
        [ATTR_URL_PATH]: queryAt < 0 ? (req.url ?? '/') : (req.url ?? '/').slice(0, queryAt),
        [ATTR_URL_SCHEME]: 'http',
        [ATTR_NETWORK_PROTOCOL_VERSION]: req.httpVersion,
        ...(userAgent ? { [ATTR_USER_AGENT_ORIGINAL]: userAgent } : {}),
        ...(req.socket.remoteAddress ? { [ATTR_CLIENT_ADDRESS]: req.socket.remoteAddress } : {}),
      },
    },
    parent,
  );
  const active: Context = trace.setSpan(parent, span);
  let ended = false;
  return {
    span,
    run: (fn) => context.with(active, fn),
    end: (route, status) => {
      if (ended) return;
      ended = true;
      if (route) {
        span.setAttribute(ATTR_HTTP_ROUTE, route);
        span.updateName(`${knownMethod === '_OTHER' ? 'HTTP' : knownMethod} ${route}`);
      }
      span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
      // Server spans: a 4xx is the client's mistake, not a failure of ours; only 5xx marks the span as an error.
      if (status >= 500) {
        span.setAttribute(ATTR_ERROR_TYPE, String(status));
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
      span.end();
    },
    abort: () => {
      if (ended) return;
      ended = true;
      span.setAttribute(ATTR_ERROR_TYPE, 'aborted');
      span.setStatus({ code: SpanStatusCode.ERROR, message: 'the client closed the connection before the response was sent' });
      span.end();
    },
  };
}

/** Record an unexpected error on the active span (the request's or the message's), if there is one. */
export function recordErrorOnActiveSpan(err: unknown): void {
  const span = trace.getActiveSpan();
  if (!span) return;
  span.recordException(err instanceof Error ? err : String(err));
  span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
}
