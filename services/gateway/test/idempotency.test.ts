import express from 'express';
import request from 'supertest';
import { createLogger } from '@oms/logging';
import { Broker, QueueConsumer } from '@oms/messaging';
import { serve, type RunningSandbox } from '@oms/sandboxes';
import { eventually, sampleOrder, TestStack, type RunningService } from '@oms/testing';
import { definition } from '../src/service';
import type { GatewayConfig } from '../src/config';

const BOOTSTRAP = 'test-bootstrap-key-0123456789';
const ops = { Authorization: `Bearer ${BOOTSTRAP}` };

/** Ingestion's query API: every order exists; `o-flaky` fails (500) while `flaky.failing` is set. */
function fakeIngestion(flaky: { failing: boolean }) {
  const app = express();
  app.get('/internal/orders/:id', (req, res) => {
    if (req.params.id === 'o-flaky' && flaky.failing) return res.status(500).json({ title: 'boom', status: 500 });
    res.json({ id: req.params.id, status: 'pending', timeline: [] });
  });
  return app;
}

describe('Idempotency-Key on POST', () => {
  let stack: TestStack;
  let internals: RunningSandbox;
  let gateway: RunningService<GatewayConfig>;
  let testBroker: Broker;
  let consumer: QueueConsumer;
  let returnsConsumer: QueueConsumer;
  const flaky = { failing: true };
  const cancels: string[] = [];
  let release: () => void = () => undefined;
  let slowGate = new Promise<void>((r) => (release = r));

  beforeAll(async () => {
    stack = await TestStack.create();
    internals = await serve(fakeIngestion(flaky));
    gateway = await stack.start(definition, {
      OMS_BOOTSTRAP_API_KEY: BOOTSTRAP,
      INGESTION_URL: internals.url,
      INVENTORY_URL: internals.url,
      FULFILLMENT_URL: internals.url,
      CARRIER_URL: internals.url,
      RETURNS_URL: internals.url,
      TASKS_URL: internals.url,
      REPORTS_URL: internals.url,
      PAYMENT_CHECK_URL: internals.url,
      COMMAND_TIMEOUT_MS: '10000',
    });
    const put = await request(gateway.app).put('/v1/channels/webshop').set(ops).send({ name: 'Webshop', type: 'web', defaultCurrency: 'EUR' });
    expect(put.status).toBeLessThan(300);

    // Ingestion's command handler, on the real queue: a cancel with reason "slow" waits until the test lets it go.
    testBroker = new Broker({ url: stack.amqpUrl, service: 'fake-ingestion', logger: createLogger('fake', 'silent') });
    await testBroker.connect();
    consumer = new QueueConsumer(
      testBroker,
      'ingestion.commands',
      {
        'order.cancel.v1': async (m) => {
          cancels.push(`${m.data.orderId}:${m.data.reason}`);
          if (m.data.reason === 'slow') await slowGate;
          return { id: m.data.orderId, status: 'cancelled', reason: m.data.reason, timeline: [] };
        },
      },
      { prefetch: 10, maxAttempts: 2, retryDelaysMs: [50] },
    );
    await consumer.start();
    // The returns service's command handler: opens any return asked for.
    returnsConsumer = new QueueConsumer(
      testBroker,
      'returns.commands',
      { 'return.open.v1': async (m) => ({ id: m.data.returnId, orderId: m.data.orderId, status: 'requested', lines: m.data.lines }) },
      { prefetch: 10, maxAttempts: 2, retryDelaysMs: [50] },
    );
    await returnsConsumer.start();
  });

  afterAll(async () => {
    release();
    await consumer?.stop();
    await returnsConsumer?.stop();
    await testBroker?.close();
    await internals?.close();
    await stack?.cleanup();
  });

  const post = (path: string, key: string | undefined, body: unknown, auth: Record<string, string> = ops) => {
    const r = request(gateway.app).post(path).set(auth);
    if (key !== undefined) r.set('Idempotency-Key', key);
    return r.send(body as object);
  };

  it('when the same request is sent again with the same key, then the first answer is replayed (same status, body and Location)', async () => {
    const order = sampleOrder({ externalId: 'IDEM-1' });
    const first = await post('/v1/orders', 'key-1', order);
    expect(first.status).toBe(202);
    expect(first.headers['idempotent-replayed']).toBeUndefined();

    // Key order and whitespace do not make a different request.
    const reordered = JSON.stringify(Object.fromEntries(Object.entries(order).reverse()), null, 2);
    const again = await request(gateway.app)
      .post('/v1/orders')
      .set(ops)
      .set('Idempotency-Key', '"key-1"')
      .set('Content-Type', 'application/json')
      .send(reordered);
    expect(again.status).toBe(202); // a resend without the key would be a 200 "exists already"
    expect(again.body).toEqual(first.body);
    expect(again.headers.location).toBe(first.headers.location);
    expect(again.headers['content-type']).toBe(first.headers['content-type']);
    expect(again.headers['idempotent-replayed']).toBe('true');
  });

  it('when the same key comes with a different body, then 422 problem', async () => {
    expect((await post('/v1/orders', 'key-2', sampleOrder({ externalId: 'IDEM-2' }))).status).toBe(202);
    const other = await post('/v1/orders', 'key-2', sampleOrder({ externalId: 'IDEM-2B' }));
    expect(other.status).toBe(422);
    expect(other.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(other.body.detail).toMatch(/Idempotency-Key/);
    // Another path with the same key and body is a different request too.
    expect((await post('/v1/orders/o-1/cancel', 'key-2', sampleOrder({ externalId: 'IDEM-2' }))).status).toBe(422);
  });

  it('when the same key arrives while the first request still runs, then 409; afterwards the answer is replayed', async () => {
    const first = post('/v1/orders/o-slow/cancel', 'key-3', { reason: 'slow' }).then((r) => r);
    await eventually(() => cancels.includes('o-slow:slow'));
    const concurrent = await post('/v1/orders/o-slow/cancel', 'key-3', { reason: 'slow' });
    expect(concurrent.status).toBe(409);
    expect(concurrent.headers['content-type']).toMatch(/application\/problem\+json/);
    release();
    const done = await first;
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ id: 'o-slow', status: 'cancelled' });
    const replayed = await post('/v1/orders/o-slow/cancel', 'key-3', { reason: 'slow' });
    expect(replayed.status).toBe(200);
    expect(replayed.body).toEqual(done.body);
    expect(replayed.headers['idempotent-replayed']).toBe('true');
    expect(cancels.filter((c) => c === 'o-slow:slow')).toHaveLength(1);
    slowGate = new Promise<void>((r) => (release = r));
  });

  it('when two API keys use the same Idempotency-Key, then their requests do not collide', async () => {
    const created = await post('/v1/api-keys', undefined, { name: 'webshop', roles: ['channel:webshop'] });
    const channelKey = { Authorization: `Bearer ${created.body.key}` };
    const a = await post('/v1/orders', 'shared-key', sampleOrder({ externalId: 'IDEM-4A' }));
    const b = await post('/v1/orders', 'shared-key', sampleOrder({ externalId: 'IDEM-4B' }), channelKey);
    expect([a.status, b.status]).toEqual([202, 202]);
    expect(b.body.id).not.toBe(a.body.id);
    expect(b.headers['idempotent-replayed']).toBeUndefined();
  });

  it('when the first answer is a 4xx, then it is replayed; when it is a 5xx, then it is not kept and a retry runs again', async () => {
    const invalid = await post('/v1/orders', 'key-5', { ...sampleOrder({ externalId: 'IDEM-5' }), currency: 'euro' });
    expect(invalid.status).toBe(422);
    const invalidAgain = await post('/v1/orders', 'key-5', { ...sampleOrder({ externalId: 'IDEM-5' }), currency: 'euro' });
    expect(invalidAgain.status).toBe(422);
    expect(invalidAgain.headers['idempotent-replayed']).toBe('true');
    expect(invalidAgain.body).toEqual(invalid.body);

    // Opening a return reads the order first: while ingestion fails, that is a 503.
    const returnRequest = { orderId: 'o-flaky', lines: [{ sku: 'TSHIRT-BLK-M', quantity: 1, reason: 'too small' }] };
    const failed = await post('/v1/returns', 'key-6', returnRequest);
    expect(failed.status).toBe(503);
    flaky.failing = false;
    const retried = await post('/v1/returns', 'key-6', returnRequest);
    expect(retried.status).toBe(201);
    expect(retried.headers['idempotent-replayed']).toBeUndefined();
    expect(retried.body).toMatchObject({ orderId: 'o-flaky', status: 'requested' });
  });

  it('when the key is empty or longer than 255 characters, then 400 problem', async () => {
    const empty = await post('/v1/orders', '""', sampleOrder({ externalId: 'IDEM-7' }));
    expect(empty.status).toBe(400);
    expect(empty.headers['content-type']).toMatch(/application\/problem\+json/);
    expect((await post('/v1/orders', 'k'.repeat(256), sampleOrder({ externalId: 'IDEM-7' }))).status).toBe(400);
    expect((await post('/v1/orders', 'k'.repeat(255), sampleOrder({ externalId: 'IDEM-7' }))).status).toBe(202);
  });
});
