import { randomBytes } from 'node:crypto';
import request from 'supertest';
import type { Express } from 'express';
import { eventually, FakeOtlpReceiver, sampleOrder, TestStack, type ReceivedSpan, type RunningService } from '@oms/testing';
import { definition as ingestion } from '../../ingestion/src/service';
import { definition as gateway } from '../src/service';
import { gatewayEnv } from './gateway-env';
import { startHeaderRecordingServer } from './header-recording-server';
import { auth, putChannel } from './intake-helpers';

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

/** A stand-in for the carrier service's label download, keeping the headers of each request. */
const startFakeCarrier = () => startHeaderRecordingServer((_req, res) => res.writeHead(200, { 'content-type': 'application/pdf' }).end('%PDF-1.4 fake'));

describe('with tracing on, one order is one trace from the gateway through ingestion', () => {
  let stack: TestStack;
  let receiver: FakeOtlpReceiver;
  let carrier: Awaited<ReturnType<typeof startFakeCarrier>>;
  let gw: RunningService<unknown>;
  let ing: RunningService<unknown>;
  let app: Express;

  beforeAll(async () => {
    stack = await TestStack.create();
    receiver = await FakeOtlpReceiver.start();
    const tracingEnv = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' };
    ing = await stack.start(ingestion, tracingEnv);
    carrier = await startFakeCarrier();
    gw = await stack.start(gateway, gatewayEnv({ ...tracingEnv, INGESTION_URL: ing.url, CARRIER_URL: carrier.url }));
    app = gw.app as Express;
    await putChannel(app, 'webshop');
  });

  afterAll(async () => {
    await stack.cleanup();
    await receiver.close();
    await carrier.close();
  });

  /** Export what both services ended so far, until `done` finds what it needs among the spans received. */
  const received = <T>(done: (spans: ReceivedSpan[]) => T | undefined) =>
    eventually(async () => {
      await Promise.all([gw.ctx.tracing.flush(), ing.ctx.tracing.flush()]);
      return done(receiver.spans);
    });

  it('when an order comes in with a traceparent, then the gateway request, its publish, ingestion’s processing and ingestion’s commands are spans of that trace, each the child of the one before', async () => {
    const traceId = hex(16);
    const callerSpanId = hex(8);
    const res = await request(app)
      .post('/v1/orders')
      .set(auth)
      .set('traceparent', `00-${traceId}-${callerSpanId}-01`)
      .send(sampleOrder({ externalId: 'TRACE-1' }));
    expect(res.status).toBe(202);

    const spans = await received((all) => {
      const trace = all.filter((s) => s.traceId === traceId);
      // The consumer's span ends after the publishes it caused: wait for both, or a busy machine exports one alone.
      const has = (name: string) => trace.some((s) => s.service === 'ingestion' && s.name === name);
      return has('publish stock.reserve.v1') && has('process ingestion.order-intake') ? trace : undefined;
    });
    const one = (service: string, name: string) => {
      const found = spans.filter((s) => s.service === service && s.name === name);
      expect(found).toHaveLength(1);
      return found[0];
    };
    const server = one('gateway', 'POST /v1/orders');
    expect(server).toMatchObject({
      kind: 'server',
      parentSpanId: callerSpanId,
      attributes: expect.objectContaining({
        'http.request.method': 'POST',
        'http.route': '/v1/orders',
        'http.response.status_code': 202,
        'url.path': '/v1/orders',
      }),
    });
    const publish = one('gateway', 'publish order.received.v1');
    expect(publish).toMatchObject({
      kind: 'producer',
      parentSpanId: server.spanId,
      attributes: expect.objectContaining({
        'messaging.system': 'rabbitmq',
        'messaging.message.id': expect.any(String),
        'messaging.message.conversation_id': res.body.id,
      }),
    });
    const consume = one('ingestion', 'process ingestion.order-intake');
    expect(consume).toMatchObject({ kind: 'consumer', parentSpanId: publish.spanId, attributes: expect.objectContaining({ 'oms.message.outcome': 'ok' }) });
    // Ingestion's commands leave through its outbox, in the trace of the change that stored them.
    const reserve = one('ingestion', 'publish stock.reserve.v1');
    expect(reserve).toMatchObject({ kind: 'producer', parentSpanId: consume.spanId });
    expect(one('ingestion', 'publish payment.check.v1').parentSpanId).toBe(consume.spanId);
    expect(spans.every((s) => s.status.code !== 2)).toBe(true);
  });

  it('when a request has no traceparent, then the gateway starts a trace for it; health probes and metrics are not traced', async () => {
    const before = new Set(receiver.spans.map((s) => s.spanId));
    await request(app).get('/healthz').expect(200);
    await request(app).get('/readyz').expect(200);
    await request(app).get('/metrics').expect(200);
    const res = await request(app)
      .post('/v1/orders')
      .set(auth)
      .send(sampleOrder({ externalId: 'TRACE-2' }));
    expect(res.status).toBe(202);

    const publish = await received((all) =>
      all.find((s) => !before.has(s.spanId) && s.name === 'publish order.received.v1' && s.attributes['messaging.message.conversation_id'] === res.body.id),
    );
    const server = receiver.spans.find((s) => s.spanId === publish.parentSpanId) as ReceivedSpan;
    expect(server).toMatchObject({ service: 'gateway', kind: 'server', name: 'POST /v1/orders', parentSpanId: undefined, traceId: publish.traceId });
    const gatewayPaths = receiver.spans.filter((s) => s.service === 'gateway' && s.kind === 'server').map((s) => s.attributes['url.path']);
    for (const path of ['/healthz', '/readyz', '/metrics']) expect(gatewayPaths).not.toContain(path);
  });

  it('when the client sends a bad body, then the request span records the 4xx status without marking the span failed', async () => {
    const traceId = hex(16);
    await request(app)
      .post('/v1/orders')
      .set(auth)
      .set('traceparent', `00-${traceId}-${hex(8)}-01`)
      .send({ channel: 'webshop' })
      .expect(422);
    const server = await received((all) => all.find((s) => s.traceId === traceId && s.kind === 'server'));
    expect(server.attributes['http.response.status_code']).toBe(422);
    expect(server.status.code).toBe(0);
  });

  it('when an order is read with a traceparent, then the gateway request, its query to ingestion and ingestion’s handling of it are spans of that trace, each the child of the one before', async () => {
    const created = await request(app)
      .post('/v1/orders')
      .set(auth)
      .send(sampleOrder({ externalId: 'TRACE-READ' }));
    expect(created.status).toBe(202);
    const orderId: string = created.body.id;
    await eventually(async () => ((await request(app).get(`/v1/orders/${orderId}`).set(auth)).status === 200 ? true : undefined));

    const traceId = hex(16);
    const callerSpanId = hex(8);
    const res = await request(app).get(`/v1/orders/${orderId}`).set(auth).set('traceparent', `00-${traceId}-${callerSpanId}-01`);
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(orderId);

    const spans = await received((all) => {
      const trace = all.filter((s) => s.traceId === traceId);
      return trace.some((s) => s.service === 'ingestion' && s.kind === 'server') && trace.some((s) => s.service === 'gateway' && s.kind === 'server')
        ? trace
        : undefined;
    });
    const one = (service: string, kind: string) => {
      const found = spans.filter((s) => s.service === service && s.kind === kind);
      expect(found).toHaveLength(1);
      return found[0];
    };
    const server = one('gateway', 'server');
    expect(server).toMatchObject({ name: 'GET /v1/orders/:id', parentSpanId: callerSpanId });
    const client = one('gateway', 'client');
    expect(client).toMatchObject({
      name: 'GET',
      parentSpanId: server.spanId,
      attributes: expect.objectContaining({
        'http.request.method': 'GET',
        'url.full': `${ing.url}/internal/orders/${orderId}`,
        'server.address': '127.0.0.1',
        'server.port': ing.port,
        'peer.service': 'ingestion',
        'http.response.status_code': 200,
      }),
    });
    const queried = one('ingestion', 'server');
    expect(queried).toMatchObject({
      name: 'GET /internal/orders/:id',
      parentSpanId: client.spanId,
      attributes: expect.objectContaining({ 'http.response.status_code': 200, 'url.path': `/internal/orders/${orderId}` }),
    });
    expect(spans).toHaveLength(3);
    expect(spans.every((s) => s.status.code !== 2)).toBe(true);
  });

  it('when a label is downloaded, then the download from the carrier service is a CLIENT span too, and carries its context', async () => {
    const traceId = hex(16);
    const res = await request(app)
      .get('/v1/shipments/shp-trace-1/label')
      .set(auth)
      .set('traceparent', `00-${traceId}-${hex(8)}-01`);
    expect(res.status).toBe(200);
    const client = await received((all) => all.find((s) => s.traceId === traceId && s.kind === 'client'));
    expect(client).toMatchObject({
      name: 'GET',
      attributes: expect.objectContaining({
        'peer.service': 'carrier',
        'url.full': `${carrier.url}/internal/shipments/shp-trace-1/label`,
        'http.response.status_code': 200,
      }),
    });
    const server = receiver.spans.find((s) => s.spanId === client.parentSpanId) as ReceivedSpan;
    expect(server).toMatchObject({ service: 'gateway', kind: 'server', name: 'GET /v1/shipments/:id/label', traceId });
    const download = carrier.requests.filter((r) => r.url === '/internal/shipments/shp-trace-1/label');
    expect(download).toHaveLength(1);
    expect(download[0].headers.traceparent).toBe(`00-${traceId}-${client.spanId}-01`);
  });
});
