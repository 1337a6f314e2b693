import amqp, { type ChannelModel } from 'amqplib';
import express from 'express';
import request from 'supertest';
import { AppError } from '@oms/errors';
import { createLogger } from '@oms/logging';
import type { Envelope } from '@oms/contracts';
import { Broker, deterministicId, QueueConsumer } from '@oms/messaging';
import type { RunningService } from '@oms/runtime';
import { serve, type RunningSandbox } from '@oms/sandboxes';
import { eventually, sampleOrder, TestStack } from '@oms/testing';
import { definition } from '../src/service';
import type { GatewayConfig } from '../src/config';

const KEY = 'test-bootstrap-key-0123456789';
const auth = { Authorization: `Bearer ${KEY}` };

const order = sampleOrder();
const orderId = deterministicId('order', 'webshop', 'WS-10001');

/** Stand-in for the internal query APIs of ingestion, fulfillment and carrier. */
function fakeInternals(verifyCalls: Array<{ carrierId: string; signature: string; body: string }>) {
  const app = express();
  app.use(express.json());
  const notFound = (res: express.Response) =>
    res.status(404).type('application/problem+json').json({ type: 'https://oms.dev/problems/not-found', title: 'Not Found', status: 404, detail: 'not here' });
  app.get('/internal/orders/:id', (req, res) => (req.params.id === orderId ? res.json({ id: orderId, status: 'pending', timeline: [] }) : notFound(res)));
  app.get('/internal/fulfillments', (req, res) => res.json([{ id: 'f-1', orderId: req.query.orderId }]));
  app.get('/internal/shipments/:id/label', (req, res) =>
    req.params.id === 's-1' ? res.type('application/pdf').send(Buffer.from('%PDF-1.4 label')) : notFound(res),
  );
  app.post('/internal/carriers/:id/verify-signature', (req, res) => {
    if (req.params.id !== 'dhl') return notFound(res);
    verifyCalls.push({ carrierId: req.params.id, ...req.body });
    res.json(req.body.signature === 't=1700000000,v1=good' ? { valid: true } : { valid: false, reason: 'signature mismatch' });
  });
  return app;
}

describe('gateway public API', () => {
  let stack: TestStack;
  let internals: RunningSandbox;
  let gateway: RunningService<GatewayConfig>;
  let testBroker: Broker;
  let amqpConn: ChannelModel;
  const consumers: QueueConsumer[] = [];
  const verifyCalls: Array<{ carrierId: string; signature: string; body: string }> = [];
  const tracking: unknown[] = [];

  const envFor = (internalUrl: string) => ({
    OMS_BOOTSTRAP_API_KEY: KEY,
    INGESTION_URL: internalUrl,
    INVENTORY_URL: internalUrl,
    FULFILLMENT_URL: internalUrl,
    CARRIER_URL: internalUrl,
    RETURNS_URL: internalUrl,
    TASKS_URL: internalUrl,
    REPORTS_URL: internalUrl,
    PAYMENT_CHECK_URL: 'http://127.0.0.1:9', // nothing listens there: an unreachable service
    COMMAND_TIMEOUT_MS: '3000',
    UPSTREAM_TIMEOUT_MS: '1000',
  });

  beforeAll(async () => {
    stack = await TestStack.create();
    internals = await serve(fakeInternals(verifyCalls));
    gateway = await stack.start(definition, envFor(internals.url));
    await request(gateway.app).put('/v1/channels/webshop').set(auth).send({ name: 'Web shop', type: 'web', defaultCurrency: 'EUR' }).expect(201);
    amqpConn = await amqp.connect(stack.amqpUrl);

    // Fake command handlers of fulfillment and carrier, on the real queues.
    testBroker = new Broker({ url: stack.amqpUrl, service: 'fake-services', logger: createLogger('fake', 'silent') });
    await testBroker.connect();
    const options = { prefetch: 10, maxAttempts: 2, retryDelaysMs: [50] };
    consumers.push(
      new QueueConsumer(
        testBroker,
        'fulfillment.commands',
        {
          'fulfillment.pack.v1': async (m) => {
            if (m.data.fulfillmentId !== 'f-1') throw new AppError(404, 'Not Found', `fulfillment ${m.data.fulfillmentId} was not found`);
            return { id: 'f-1', status: 'packed', packedBy: m.data.actor };
          },
        },
        options,
      ),
      new QueueConsumer(
        testBroker,
        'carrier.commands',
        {
          'shipment.record-tracking.v1': async (m) => {
            tracking.push(m.data);
            return { shipmentId: 's-1', status: m.data.status };
          },
          // Echoes the secret on purpose: the gateway must not pass it on.
          'carrier.configure.v1': async (m) => ({ carrierId: m.data.carrierId, webhookSecret: m.data.webhookSecret, configured: true }),
        },
        options,
      ),
      new QueueConsumer(
        testBroker,
        'ingestion.commands',
        {
          // As ingestion decides: an unknown order is its 404 (the gateway sends the command without reading the order).
          'order.cancel.v1': async (m) => {
            if (m.data.orderId === 'nope') throw new AppError(404, 'Not Found', 'Order nope was not found');
            if (m.data.reason === 'too late') throw new AppError(409, 'Conflict', 'the order has shipped');
            return { id: m.data.orderId, status: 'cancelled', reason: m.data.reason, by: m.data.actor };
          },
        },
        options,
      ),
    );
    for (const c of consumers) await c.start();
  });

  afterAll(async () => {
    for (const c of consumers) await c.stop();
    await testBroker?.close();
    await amqpConn?.close().catch(() => undefined);
    await internals?.close();
    await stack?.cleanup();
  });

  it('when an order is posted, then it answers 202 with its id and the order.received.v1 event waits in ingestion.order-intake', async () => {
    const res = await request(gateway.app).post('/v1/orders').set(auth).send(order);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ id: orderId, status: 'received' });
    expect(res.headers.location).toBe(`/v1/orders/${orderId}`);

    const ch = await amqpConn.createChannel();
    const msg = await eventually(() => ch.get('ingestion.order-intake', { noAck: true }));
    await ch.close();
    if (!msg) throw new Error('no message');
    const envelope = JSON.parse(msg.content.toString()) as Envelope<{ orderId: string; order: unknown; actor: string; receivedAt: string }>;
    expect(envelope).toMatchObject({
      id: deterministicId(orderId, 'order.received.v1'),
      type: 'order.received.v1',
      producer: 'gateway',
      correlationId: orderId,
      causationId: null,
      data: { orderId, order, actor: 'api-key:bootstrap' },
    });
    expect(Date.parse(envelope.data.receivedAt)).not.toBeNaN();
    expect(msg.content.toString()).not.toContain(KEY);
  });

  it('when the same channel order is posted again, then it answers 200 with the existing order id and status', async () => {
    const res = await request(gateway.app).post('/v1/orders').set(auth).send(order);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: orderId, status: 'pending' });
  });

  it('when no or a wrong bearer key is presented, then 401 problem with WWW-Authenticate', async () => {
    const missing = await request(gateway.app).post('/v1/orders').send(order);
    expect(missing.status).toBe(401);
    expect(missing.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(missing.headers['www-authenticate']).toMatch(/^Bearer/);
    const wrong = await request(gateway.app).get(`/v1/orders/${orderId}`).set('Authorization', 'Bearer not-the-key-at-all');
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ status: 401, title: 'Unauthorized' });
  });

  it('when the body is malformed, invalid, too large or the route unknown, then 400, 422 with every field, 413 and 404 problems', async () => {
    const malformed = await request(gateway.app).post('/v1/orders').set(auth).set('Content-Type', 'application/json').send('{"channel":');
    expect(malformed.status).toBe(400);

    const invalid = await request(gateway.app)
      .post('/v1/orders')
      .set(auth)
      .send({ ...order, currency: 'euro', lines: [{ sku: 'TSHIRT-BLK-M', quantity: 0, unitPrice: 1999 }] });
    expect(invalid.status).toBe(422);
    expect(invalid.headers['content-type']).toMatch(/application\/problem\+json/);
    const paths = (invalid.body.errors as Array<{ path: string }>).map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['currency', 'lines.0.quantity']));

    const overpaid = await request(gateway.app)
      .post('/v1/orders')
      .set(auth)
      .send({ ...order, externalId: 'WS-GIFT', payment: { ...order.payment, amount: 0, giftCards: [{ reference: 'GC-9', amount: 9999 }] } });
    expect(overpaid.status).toBe(422);
    expect(overpaid.body.errors).toEqual([{ path: 'payment.giftCards', message: 'redeem 9999, more than the order total 4493' }]);

    const huge = await request(gateway.app)
      .post('/v1/orders')
      .set(auth)
      .send({ ...order, padding: 'x'.repeat(1_100_000) });
    expect(huge.status).toBe(413);

    const unknown = await request(gateway.app).get('/v1/no-such-thing').set(auth);
    expect(unknown.status).toBe(404);
    expect(unknown.headers['content-type']).toMatch(/application\/problem\+json/);
  });

  it('when orders and fulfillments are queried, then the internal answers come through and 404/422 stay problems', async () => {
    const found = await request(gateway.app).get(`/v1/orders/${orderId}`).set(auth);
    expect(found.status).toBe(200);
    expect(found.body).toEqual({ id: orderId, status: 'pending', timeline: [] });

    const missing = await request(gateway.app).get('/v1/orders/nope').set(auth);
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ status: 404, title: 'Not Found', instance: '/v1/orders/nope' });

    const list = await request(gateway.app).get(`/v1/fulfillments?orderId=${orderId}`).set(auth);
    expect(list.body).toEqual([{ id: 'f-1', orderId }]);
    const noOrder = await request(gateway.app).get('/v1/fulfillments').set(auth);
    expect(noOrder.status).toBe(422);
    expect(noOrder.body.errors).toEqual([{ path: 'locationId', message: 'give either orderId or locationId' }]);
  });

  it('when an internal service is unreachable, then 503 with Retry-After', async () => {
    const res = await request(gateway.app).get(`/v1/payments?orderId=${orderId}`).set(auth);
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
  });

  it('when a shipment label is requested, then the PDF bytes are proxied', async () => {
    const res = await request(gateway.app)
      .get('/v1/shipments/s-1/label')
      .set(auth)
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/pdf/);
    expect((res.body as Buffer).toString()).toBe('%PDF-1.4 label');
    expect((await request(gateway.app).get('/v1/shipments/s-9/label').set(auth)).status).toBe(404);
  });

  it('when a fulfillment is packed, then the handler answer comes back as 200, and its 404 refusal as a 404 problem', async () => {
    const packed = await request(gateway.app).post('/v1/fulfillments/f-1/pack').set(auth);
    expect(packed.status).toBe(200);
    expect(packed.body).toEqual({ id: 'f-1', status: 'packed', packedBy: 'api-key:bootstrap' });

    const missing = await request(gateway.app).post('/v1/fulfillments/f-404/pack').set(auth);
    expect(missing.status).toBe(404);
    expect(missing.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(missing.body).toMatchObject({ status: 404, detail: 'fulfillment f-404 was not found' });
  });

  it('when tracking is pushed without or with a bad signature, then 401; with a good one, then the command is recorded', async () => {
    // Spacing that a re-serialisation would lose: the signature is checked over the bytes as sent.
    const raw = '{ "trackingNumber": "TRK-1",  "status": "in_transit", "occurredAt": "2025-01-02T10:00:00.000Z" }';
    const post = (signature?: string) => {
      const r = request(gateway.app).post('/v1/carriers/dhl/tracking').set('Content-Type', 'application/json');
      return (signature ? r.set('OMS-Signature', signature) : r).send(raw);
    };

    const unsigned = await post();
    expect(unsigned.status).toBe(401);
    expect(unsigned.headers['content-type']).toMatch(/application\/problem\+json/);

    const bad = await post('t=1700000000,v1=bad');
    expect(bad.status).toBe(401);
    // The reason stays inside: a bad signature and an unknown carrier answer alike (docs/security.md).
    expect(bad.body.detail).toBe('The request signature could not be verified');

    const good = await post('t=1700000000,v1=good');
    expect(good.status).toBe(200);
    expect(good.body).toEqual({ shipmentId: 's-1', status: 'in_transit' });
    expect(verifyCalls.at(-1)).toEqual({ carrierId: 'dhl', signature: 't=1700000000,v1=good', body: raw });
    expect(tracking).toEqual([{ carrierId: 'dhl', trackingNumber: 'TRK-1', status: 'in_transit', occurredAt: '2025-01-02T10:00:00.000Z' }]);

    const unknownCarrier = await request(gateway.app).post('/v1/carriers/ups/tracking').set('OMS-Signature', 't=1,v1=x').send({});
    // Not 404: which carriers exist is not for an unauthenticated caller to find out.
    expect(unknownCarrier.status).toBe(401);
    expect({ ...unknownCarrier.body, instance: undefined }).toEqual({ ...bad.body, instance: undefined });
  });

  it('when an order is cancelled or a carrier configured, then the handler answers come back (409 as a problem, never the secret)', async () => {
    const cancelled = await request(gateway.app).post(`/v1/orders/${orderId}/cancel`).set(auth);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toEqual({ id: orderId, status: 'cancelled', reason: 'cancelled by operator', by: 'api-key:bootstrap' });
    const refused = await request(gateway.app).post(`/v1/orders/${orderId}/cancel`).set(auth).send({ reason: 'too late' });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ status: 409, detail: 'the order has shipped' });
    expect((await request(gateway.app).post('/v1/orders/nope/cancel').set(auth)).status).toBe(404);

    const configured = await request(gateway.app).put('/v1/carriers/dhl').set(auth).send({ webhookSecret: 'whsec_0123456789abcdef' });
    expect(configured.status).toBe(200);
    expect(configured.body).toEqual({ carrierId: 'dhl', configured: true });
    expect((await request(gateway.app).put('/v1/carriers/dhl').set(auth).send({ webhookSecret: 'short' })).status).toBe(422);
  });

  it('when the broker is unreachable, then posting an order answers 503 with Retry-After, never 202', async () => {
    const isolated = await stack.start(definition, envFor(internals.url));
    await isolated.ctx.broker.close();
    const res = await request(isolated.app)
      .post('/v1/orders')
      .set(auth)
      .send(sampleOrder({ externalId: 'WS-BROKER-DOWN' }));
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.body).toMatchObject({ status: 503, title: 'Service Unavailable' });
  });
});
