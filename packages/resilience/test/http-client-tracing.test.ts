import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { context } from '@opentelemetry/api';
import { createLogger } from '@oms/logging';
import { createHttpClient, type HttpClientOptions } from '@oms/resilience';
import { eventually, FakeOtlpReceiver, type ReceivedSpan } from '@oms/testing';
import { contextFromHeaders, startTracing, tracingOff, type Tracing } from '@oms/tracing';

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

/** A local upstream that answers by path and keeps the headers of every request it got. */
async function startUpstream() {
  const requests: Array<{ url: string; headers: IncomingHttpHeaders }> = [];
  const server: Server = createServer((req, res) => {
    requests.push({ url: req.url ?? '', headers: req.headers });
    const path = (req.url ?? '').split('?')[0];
    // Slower than the client's timeout in the test that calls it: the timeout is what is tested.
    if (path === '/slow') return void setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'), 1000);
    const status = path === '/missing' ? 404 : path === '/broken' ? 503 : 200;
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ path }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    requests,
    /** The headers of the one request made to `url` (path and query). */
    headersOf: (url: string) => {
      const found = requests.filter((r) => r.url === url);
      expect(found).toHaveLength(1);
      return found[0].headers;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('the breaker-wrapped HTTP client with tracing', () => {
  let receiver: FakeOtlpReceiver;
  let tracing: Tracing;
  let upstream: Awaited<ReturnType<typeof startUpstream>>;
  const logger = createLogger('http-client-test', 'silent');
  const client = (name: string, extra: Partial<HttpClientOptions> = {}) =>
    createHttpClient({ name, baseUrl: upstream.url, logger, timeoutMs: 200, tracing, ...extra });

  beforeAll(async () => {
    receiver = await FakeOtlpReceiver.start();
    tracing = startTracing('caller', { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' });
    upstream = await startUpstream();
  });

  afterAll(async () => {
    await tracing.shutdown();
    await upstream.close();
    await receiver.close();
  });

  /** Run `fn` as the work of a caller whose trace context came in with these headers. */
  const inTrace = <T>(traceId: string, parentSpanId: string, fn: () => Promise<T>, tracestate?: string) =>
    context.with(contextFromHeaders({ traceparent: `00-${traceId}-${parentSpanId}-01`, ...(tracestate ? { tracestate } : {}) }), fn);

  /** The one CLIENT span of this trace, once exported. */
  const clientSpanOf = (traceId: string) =>
    eventually(async () => {
      await tracing.flush();
      const spans = receiver.trace(traceId).filter((s) => s.kind === 'client');
      return spans.length ? spans : undefined;
    }).then((spans: ReceivedSpan[]) => {
      expect(spans).toHaveLength(1);
      return spans[0];
    });

  it('when an internal client calls inside a trace, then the call is a CLIENT span, child of the active span, whose context the request carries', async () => {
    const traceId = hex(16);
    const parentSpanId = hex(8);
    const res = await inTrace(traceId, parentSpanId, () => client('internal-ok', { propagateTraceContext: true }).get('/ok?orderId=o-1'), 'vendor=abc');
    expect(res.status).toBe(200);

    const span = await clientSpanOf(traceId);
    expect(span).toMatchObject({
      service: 'caller',
      name: 'GET',
      parentSpanId,
      status: { code: 0 },
      attributes: {
        'http.request.method': 'GET',
        // The query string is left out: its values may be personal data.
        'url.full': `${upstream.url}/ok`,
        'server.address': '127.0.0.1',
        'server.port': upstream.port,
        'peer.service': 'internal-ok',
        'http.response.status_code': 200,
      },
    });
    const headers = upstream.headersOf('/ok?orderId=o-1');
    expect(headers.traceparent).toBe(`00-${traceId}-${span.spanId}-01`);
    expect(headers.tracestate).toBe('vendor=abc');
  });

  it('when a call is made with no span active, then it starts a trace of its own and still carries it', async () => {
    await client('internal-root', { propagateTraceContext: true }).post('/ok?root=1', { a: 1 });
    const traceparent = String(upstream.headersOf('/ok?root=1').traceparent);
    const [, traceId, spanId] = traceparent.split('-');
    const span = await clientSpanOf(traceId);
    expect(span).toMatchObject({ spanId, parentSpanId: undefined, name: 'POST', attributes: expect.objectContaining({ 'http.request.method': 'POST' }) });
  });

  it('when a third-party client (the default) calls inside a trace, then the call is a CLIENT span but the request carries no trace headers', async () => {
    const traceId = hex(16);
    const parentSpanId = hex(8);
    await inTrace(traceId, parentSpanId, () => client('provider').post('/ok?third=1', { amount: 1 }, { 'Idempotency-Key': 'k-1' }), 'vendor=abc');
    const span = await clientSpanOf(traceId);
    expect(span).toMatchObject({
      parentSpanId,
      name: 'POST',
      attributes: expect.objectContaining({ 'peer.service': 'provider', 'http.response.status_code': 200 }),
    });
    const headers = upstream.headersOf('/ok?third=1');
    expect(headers['idempotency-key']).toBe('k-1');
    expect(headers.traceparent).toBeUndefined();
    expect(headers.tracestate).toBeUndefined();
  });

  it('when the upstream answers 4xx, then the span records the status without marking the call failed (the caller handles the answer)', async () => {
    const traceId = hex(16);
    const res = await inTrace(traceId, hex(8), () => client('internal-404', { propagateTraceContext: true }).get('/missing'));
    expect(res.status).toBe(404);
    const span = await clientSpanOf(traceId);
    expect(span.attributes['http.response.status_code']).toBe(404);
    expect(span.attributes['error.type']).toBeUndefined();
    expect(span.status.code).toBe(0);
  });

  it('when the upstream answers 5xx, times out, or the breaker is open, then the span is failed with the error type', async () => {
    const failures: Array<[string, string, Partial<ReceivedSpan['attributes']>]> = [
      ['/broken', '503', { 'http.response.status_code': 503 }],
      ['/slow', 'timeout', {}],
    ];
    for (const [path, errorType, attributes] of failures) {
      const traceId = hex(16);
      await expect(inTrace(traceId, hex(8), () => client(`internal-fails-${errorType}`, { propagateTraceContext: true }).get(path))).rejects.toThrow();
      const span = await clientSpanOf(traceId);
      expect(span).toMatchObject({ status: { code: 2 }, attributes: expect.objectContaining({ 'error.type': errorType, ...attributes }) });
      expect(span.events).toContain('exception');
    }

    const open = client('internal-open', { propagateTraceContext: true });
    open.breaker.open();
    const traceId = hex(16);
    const before = upstream.requests.length;
    await expect(inTrace(traceId, hex(8), () => open.get('/ok?open=1'))).rejects.toThrow('Breaker is open');
    const span = await clientSpanOf(traceId);
    expect(span).toMatchObject({ status: { code: 2 }, attributes: expect.objectContaining({ 'error.type': 'breaker_open' }) });
    expect(span.attributes['http.response.status_code']).toBeUndefined();
    // The open breaker refused the call: nothing reached the upstream.
    expect(upstream.requests.length).toBe(before);
  });

  it('when the upstream cannot be reached, then the span names the network error', async () => {
    // A port that was free a moment ago: nothing listens there.
    const gone = await startUpstream();
    await gone.close();
    const traceId = hex(16);
    const unreachable = createHttpClient({ name: 'internal-down', baseUrl: gone.url, logger, timeoutMs: 1000, tracing, propagateTraceContext: true });
    await expect(inTrace(traceId, hex(8), () => unreachable.get('/ok'))).rejects.toThrow();
    const span = await clientSpanOf(traceId);
    expect(span).toMatchObject({ status: { code: 2 }, attributes: expect.objectContaining({ 'error.type': 'ECONNREFUSED', 'server.port': gone.port }) });
  });

  it('when the client’s tracing is off, then even inside a trace it sends no trace headers and records nothing', async () => {
    const traceId = hex(16);
    const off = createHttpClient({
      name: 'internal-untraced',
      baseUrl: upstream.url,
      logger,
      timeoutMs: 200,
      tracing: tracingOff('caller'),
      propagateTraceContext: true,
    });
    const res = await inTrace(traceId, hex(8), () => off.get('/ok?off=1'));
    expect(res.status).toBe(200);
    const headers = upstream.headersOf('/ok?off=1');
    expect(headers.traceparent).toBeUndefined();
    expect(headers.tracestate).toBeUndefined();
    await tracing.flush();
    expect(receiver.trace(traceId)).toEqual([]);
  });
});
