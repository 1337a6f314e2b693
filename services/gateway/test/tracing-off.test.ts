import { randomBytes } from 'node:crypto';
import request from 'supertest';
import type { Express } from 'express';
import { TestStack, type RunningService } from '@oms/testing';
import { definition as gateway } from '../src/service';
import { gatewayEnv } from './gateway-env';
import { startHeaderRecordingServer } from './header-recording-server';
import { auth } from './intake-helpers';

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

/**
 * Stand-ins for ingestion's order query and carrier's label download that keep the headers they were sent.
 * The order query answers 404 like ingestion does for an unknown order; the label is a few bytes.
 */
const startFakeService = () =>
  startHeaderRecordingServer((req, res) => {
    if (req.url?.endsWith('/label')) return void res.writeHead(200, { 'content-type': 'application/pdf' }).end('%PDF-1.4 fake');
    res
      .writeHead(404, { 'content-type': 'application/problem+json' })
      .end(JSON.stringify({ type: 'about:blank', title: 'Not Found', status: 404, detail: 'Order o-off was not found' }));
  });

/* No OTLP endpoint: tracing is off, the default. The gateway must not pass a caller's trace context on. */
describe('with tracing off, the gateway’s queries to the services carry no trace headers', () => {
  let stack: TestStack;
  let fake: Awaited<ReturnType<typeof startFakeService>>;
  let gw: RunningService<unknown>;
  let app: Express;

  beforeAll(async () => {
    stack = await TestStack.create();
    fake = await startFakeService();
    gw = await stack.start(gateway, gatewayEnv({ INGESTION_URL: fake.url, CARRIER_URL: fake.url }));
    app = gw.app as Express;
  });

  afterAll(async () => {
    await stack.cleanup();
    await fake.close();
  });

  it('when an order is read and a label downloaded with a traceparent, then neither query sends traceparent or tracestate', async () => {
    const traceparent = `00-${hex(16)}-${hex(8)}-01`;
    expect(gw.ctx.tracing.enabled).toBe(false);
    const order = await request(app).get('/v1/orders/o-off').set(auth).set('traceparent', traceparent).set('tracestate', 'vendor=abc');
    expect(order.status).toBe(404);
    const label = await request(app).get('/v1/shipments/shp-off/label').set(auth).set('traceparent', traceparent).set('tracestate', 'vendor=abc');
    expect(label.status).toBe(200);

    expect(fake.requests.map((r) => r.url)).toEqual(['/internal/orders/o-off', '/internal/shipments/shp-off/label']);
    for (const { headers } of fake.requests) {
      expect(headers.traceparent).toBeUndefined();
      expect(headers.tracestate).toBeUndefined();
    }
  });
});
