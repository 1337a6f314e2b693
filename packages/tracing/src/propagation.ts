import { context, ROOT_CONTEXT, trace, type Context, type TextMapGetter } from '@opentelemetry/api';
import { TRACE_PARENT_HEADER, TRACE_STATE_HEADER, W3CTraceContextPropagator } from '@opentelemetry/core';

/** The W3C Trace Context headers (https://www.w3.org/TR/trace-context/), as HTTP and AMQP headers alike. */
export const TRACEPARENT = TRACE_PARENT_HEADER;
export const TRACESTATE = TRACE_STATE_HEADER;

/** A span context in its W3C text form: what travels in message headers and is stored with outbox events. */
export interface TraceCarrier {
  traceparent: string;
  tracestate?: string;
}

const propagator = new W3CTraceContextPropagator();

/** AMQP header values may arrive as Buffers (long strings from other clients); HTTP ones as arrays. */
const headerGetter: TextMapGetter<Record<string, unknown>> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const value = carrier[key];
    if (typeof value === 'string') return value;
    if (Buffer.isBuffer(value)) return value.toString('utf8');
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
    return undefined;
  },
};

/** The trace headers for `ctx` (its active span), or undefined when it has no valid span context. */
export function carrierOf(ctx: Context): TraceCarrier | undefined {
  const carrier: Partial<TraceCarrier> = {};
  propagator.inject(ctx, carrier, {
    set: (c, key, value) => void ((c as Record<string, string>)[key] = value),
  });
  return carrier.traceparent ? (carrier as TraceCarrier) : undefined;
}

/**
 * `headers` with the trace headers of `carrier` instead of any they had (a retried message carries the
 * context it was first delivered with; its new publish is the parent now).
 */
export function withTraceHeaders(headers: Record<string, unknown> | undefined, carrier: TraceCarrier | undefined): Record<string, unknown> {
  const { [TRACEPARENT]: _parent, [TRACESTATE]: _state, ...rest } = headers ?? {};
  return { ...rest, ...carrier };
}

/** A context whose remote parent is the one in these headers; the root context when they hold none (or a malformed one). */
export function contextFromHeaders(headers: Record<string, unknown> | undefined | null): Context {
  if (!headers || headers[TRACEPARENT] === undefined) return ROOT_CONTEXT;
  return propagator.extract(ROOT_CONTEXT, headers, headerGetter);
}

/**
 * The active span's context, to be kept with something that continues the trace later (an outbox event).
 * Undefined when no span is active, which is always the case with tracing off.
 */
export function captureTraceContext(): TraceCarrier | undefined {
  const active = context.active();
  return trace.getSpan(active) ? carrierOf(active) : undefined;
}
