export { readTracingConfig, TracingConfigError, type TracingConfig, type OtlpProtocol } from './config';
export { startTracing, tracingOff, type Tracing } from './setup';
export { TRACEPARENT, TRACESTATE, captureTraceContext, carrierOf, withTraceHeaders, contextFromHeaders, type TraceCarrier } from './propagation';
export { startHttpServerSpan, recordErrorOnActiveSpan, type HttpServerSpan } from './http-server';
export { traceHttpClientCall, ATTR_PEER_SERVICE, type HttpClientCallDetails } from './http-client';
export { MESSAGING_ATTRIBUTES, tracePublish, traceConsume, type PublishDetails, type ConsumeDetails, type ConsumeSpan } from './messaging';
