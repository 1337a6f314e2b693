import { createHmac } from 'node:crypto';
import express from 'express';
import request from 'supertest';
import { ConfigError } from '@oms/config';
import { PROBLEM_LIMITS } from '@oms/errors';
import { serve, type RunningSandbox } from '@oms/sandboxes';
import { eventually, sampleOrder, TestStack, type RunningService } from '@oms/testing';
import { definition as ingestion } from '../../ingestion/src/service';
import { definition as gateway } from '../src/service';
import type { GatewayConfig } from '../src/config';
import { gatewayEnv, TEST_BOOTSTRAP_KEY } from './gateway-env';

/**
 * The OWASP API Security Top 10 (2023), one block per risk, each asserting against a running gateway (and a
 * real ingestion service behind it where the risk is about what reaches a service). Neighbouring suites go
 * deeper on some of them: access.test.ts (keys and roles), injection.test.ts (operator keys, NUL, nesting),
 * fuzz.test.ts (generated inputs), rate-limit.test.ts (rates under concurrency), resource-limits.test.ts
 * (answer, CSV and Idempotency-Key bounds). What is asserted here is not repeated there.
 */

const TOKEN = 'owasp-internal-token-0123456789abcdef0123';
const ops = { Authorization: `Bearer ${TEST_BOOTSTRAP_KEY}` };
const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });
const SHOP_SECRET = 'owasp-shop-webhook-secret-0123456789';

/** The carrier and fulfillment services as the gateway sees them; records every request it gets and refuses any without the token. */
function fakeServices(seen: string[]) {
  const app = express();
  app.use(express.json());
  app.use((req, res, next) => {
    seen.push(`${req.method} ${req.originalUrl}`);
    if (req.get('authorization') !== `Bearer ${TOKEN}`) return void res.status(401).json({ title: 'Unauthorized', status: 401 });
    next();
  });
  // The carrier: "dhl" exists (no signature is valid), anything else is its 404.
  app.post('/internal/carriers/:id/verify-signature', (req, res) => {
    if (req.params.id !== 'dhl')
      return void res.status(404).json({ type: 'about:blank', title: 'Not Found', status: 404, detail: `Carrier ${req.params.id} was not found` });
    res.json({ valid: false, reason: 'signature does not match' });
  });
  // A fulfillment service that misbehaves in the ways an upstream can.
  app.get('/internal/fulfillments/:id', (req, res) => {
    if (req.params.id === 'huge-problem')
      return void res.status(422).json({
        title: 'Validation Failed',
        status: 422,
        detail: 'x'.repeat(100_000),
        errors: Array.from({ length: 5000 }, (_, i) => ({ path: `field${i}`, message: 'y'.repeat(2000) })),
      });
    if (req.params.id === 'crash') return void res.status(500).type('text/plain').send('Error: secret stack trace at /srv/app.js:1');
    if (req.params.id === 'html') return void res.status(502).type('text/html').send('<html>bad gateway</html>');
    res.json({ id: req.params.id, orderId: 'o-1', status: 'open' });
  });
  return app;
}

describe('OWASP API Security Top 10 (2023)', () => {
  let stack: TestStack;
  let ing: RunningService<unknown>;
  let gw: RunningService<GatewayConfig>;
  let limited: RunningService<GatewayConfig>;
  let fakes: RunningSandbox;
  const seen: string[] = [];
  let webshopKey: string;
  let marketplaceKey: string;
  let partnerKey: string;
  let orderId: string;

  const createKey = async (roles: string[]) => {
    const res = await request(gw.app)
      .post('/v1/api-keys')
      .set(ops)
      .send({ name: roles.join(','), roles });
    expect(res.status).toBe(201);
    return res.body.key as string;
  };

  beforeAll(async () => {
    stack = await TestStack.create();
    fakes = await serve(fakeServices(seen));
    ing = (await stack.start(ingestion, { INTERNAL_API_TOKEN: TOKEN })) as RunningService<unknown>;
    gw = await stack.start(
      gateway,
      gatewayEnv({ INGESTION_URL: ing.url, CARRIER_URL: fakes.url, FULFILLMENT_URL: fakes.url, INTERNAL_API_TOKEN: TOKEN, UPSTREAM_TIMEOUT_MS: '2000' }),
    );
    limited = await stack.start(gateway, gatewayEnv({ RATE_LIMIT_PER_SECOND: '2', RATE_LIMIT_BURST: '0', INTERNAL_API_TOKEN: TOKEN }));
    for (const id of ['webshop', 'marketplace'])
      expect((await request(gw.app).put(`/v1/channels/${id}`).set(ops).send({ name: id, type: 'web', defaultCurrency: 'EUR' })).status).toBeLessThan(300);
    expect(
      (
        await request(gw.app)
          .put('/v1/channels/shop-eu')
          .set(ops)
          .send({ name: 'EU shop', type: 'shopify', defaultCurrency: 'EUR', webhookSecret: SHOP_SECRET })
      ).status,
    ).toBeLessThan(300);
    webshopKey = await createKey(['channel:webshop']);
    marketplaceKey = await createKey(['channel:marketplace']);
    partnerKey = await createKey(['partner:dhl-3pl']);
    const accepted = await request(gw.app)
      .post('/v1/orders')
      .set(bearer(webshopKey))
      .send(sampleOrder({ channel: 'webshop', externalId: 'OWASP-1' }));
    expect(accepted.status).toBe(202);
    orderId = accepted.body.id;
    await eventually(async () => (await request(gw.app).get(`/v1/orders/${orderId}`).set(ops)).status === 200 || undefined);
  }, 60_000);

  afterAll(async () => {
    await fakes?.close();
    await stack?.cleanup();
  });

  describe('API1:2023 Broken Object Level Authorization', () => {
    it("when a channel key asks for another channel's order, then 404 exactly as for an order that does not exist", async () => {
      const own = await request(gw.app).get(`/v1/orders/${orderId}`).set(bearer(webshopKey));
      expect(own.status).toBe(200);
      expect(own.body.id).toBe(orderId);
      const foreign = await request(gw.app).get(`/v1/orders/${orderId}`).set(bearer(marketplaceKey));
      const missing = await request(gw.app).get('/v1/orders/00000000-0000-5000-a000-000000000000').set(bearer(marketplaceKey));
      expect(foreign.status).toBe(404);
      expect(missing.status).toBe(404);
      expect(foreign.body.title).toBe(missing.body.title);
      const cancel = await request(gw.app).post(`/v1/orders/${orderId}/cancel`).set(bearer(marketplaceKey)).send({ reason: 'not mine' });
      expect([403, 404]).toContain(cancel.status);
    });
  });

  describe('API2:2023 Broken Authentication', () => {
    it('when a request has no key, a wrong key or a key of the wrong form, then 401 problem, the same for each', async () => {
      const answers = await Promise.all([
        request(gw.app).get('/v1/orders'),
        request(gw.app).get('/v1/orders').set(bearer('oms_wrong_key_0123456789abcdefghijklmnopqrstu')),
        request(gw.app).get('/v1/orders').set('Authorization', 'Basic b3BzOm9wcw=='),
      ]);
      for (const res of answers) {
        expect(res.status).toBe(401);
        expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      }
    });

    it("when a service's /internal route is called without the service token or with a wrong one, then 401; with it, the answer", async () => {
      const none = await fetch(`${ing.url}/internal/orders/${orderId}`);
      const wrong = await fetch(`${ing.url}/internal/orders/${orderId}`, { headers: bearer(`${TOKEN}x`) });
      const right = await fetch(`${ing.url}/internal/orders/${orderId}`, { headers: bearer(TOKEN) });
      expect(none.status).toBe(401);
      expect(wrong.status).toBe(401);
      expect(none.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(right.status).toBe(200);
      // The gateway sends it on every internal call: through it, the same order reads fine.
      expect((await request(gw.app).get(`/v1/orders/${orderId}`).set(ops)).status).toBe(200);
    });

    it('when the token is rotated, then a service accepts the previous one too; a gateway with a token that matches none answers 503, never a 401 of its own', async () => {
      const next = 'owasp-next-internal-token-0123456789abcdef';
      const rotating = await stack.start(ingestion, { INTERNAL_API_TOKEN: next, INTERNAL_API_TOKEN_PREVIOUS: TOKEN });
      for (const token of [next, TOKEN]) expect((await fetch(`${rotating.url}/internal/orders/${orderId}`, { headers: bearer(token) })).status).toBe(200);
      expect((await fetch(`${rotating.url}/internal/orders/${orderId}`, { headers: bearer(`${next}x`) })).status).toBe(401);

      const misconfigured = await stack.start(
        gateway,
        gatewayEnv({ INGESTION_URL: ing.url, INTERNAL_API_TOKEN: 'owasp-wrong-internal-token-0123456789abcdef' }),
      );
      const res = await request(misconfigured.app).get(`/v1/orders/${orderId}`).set(ops);
      expect(res.status).toBe(503);
    });
  });

  describe('API3:2023 Broken Object Property Level Authorization', () => {
    it('when a channel with a webhook secret is read back, then the secret is never in the answer, only that there is one', async () => {
      const res = await request(gw.app).get('/v1/channels/shop-eu').set(ops);
      expect(res.status).toBe(200);
      expect(res.body.hasWebhookSecret).toBe(true);
      expect(JSON.stringify(res.body)).not.toContain(SHOP_SECRET);
      expect(res.body).not.toHaveProperty('webhookSecret');
    });

    it('when an order is submitted with properties the client may not set (its id, its status), then they are not taken', async () => {
      const res = await request(gw.app)
        .post('/v1/orders')
        .set(bearer(webshopKey))
        .send({ ...sampleOrder({ channel: 'webshop', externalId: 'OWASP-MASS-1' }), id: 'chosen-by-client', status: 'shipped' });
      if (res.status === 202) {
        expect(res.body.id).not.toBe('chosen-by-client');
        expect(res.body.status).not.toBe('shipped');
      } else expect(res.status).toBe(422);
    });
  });

  describe('API4:2023 Unrestricted Resource Consumption', () => {
    it('when any error would list thousands of problems, then the answer lists at most the limit, counts the rest and stays under its byte bound', async () => {
      const body = Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`$k${i}`, 1]));
      const res = await request(gw.app).post('/v1/orders').set(ops).send(body);
      expect(res.status).toBe(400);
      expect(res.body.errors).toHaveLength(PROBLEM_LIMITS.listedErrors);
      expect(res.body.errorsNotListed).toBe(100 - PROBLEM_LIMITS.listedErrors); // the check itself stops at 100
      expect(Buffer.byteLength(res.text)).toBeLessThanOrEqual(PROBLEM_LIMITS.answerBytes);
    });

    it('when a JSON body is over 1 MB, then 413 before it is parsed', async () => {
      const res = await request(gw.app)
        .post('/v1/orders')
        .set(ops)
        .set('content-type', 'application/json')
        .send(`{"pad":"${'x'.repeat(1024 * 1024 + 10)}"}`);
      expect(res.status).toBe(413);
    });
  });

  describe('API5:2023 Broken Function Level Authorization', () => {
    it('when a channel or partner key calls an ops function (channels, API keys, stock), then 403; ops may', async () => {
      for (const key of [webshopKey, partnerKey]) {
        expect((await request(gw.app).put('/v1/channels/evil').set(bearer(key)).send({ name: 'evil', type: 'web', defaultCurrency: 'EUR' })).status).toBe(403);
        expect(
          (
            await request(gw.app)
              .post('/v1/api-keys')
              .set(bearer(key))
              .send({ name: 'mine', roles: ['ops'] })
          ).status,
        ).toBe(403);
        expect((await request(gw.app).get('/v1/api-keys').set(bearer(key))).status).toBe(403);
      }
      expect((await request(gw.app).get('/v1/api-keys').set(ops)).status).toBe(200);
    });
  });

  describe('API6:2023 Unrestricted Access to Sensitive Business Flows', () => {
    it('when one key floods order intake, then it gets 429 with Retry-After and the flood does not reach the broker', async () => {
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          request(limited.app)
            .post('/v1/orders')
            .set(ops)
            .send(sampleOrder({ channel: 'webshop', externalId: `FLOOD-${i}` })),
        ),
      );
      const limitedAnswers = answers.filter((r) => r.status === 429);
      expect(limitedAnswers.length).toBeGreaterThanOrEqual(5);
      expect(limitedAnswers[0].headers['retry-after']).toMatch(/^\d+$/);
      expect(limitedAnswers[0].headers['content-type']).toMatch(/application\/problem\+json/);
    });

    it('when an Idempotency-Key is reused for a different order, then 422: a key cannot be replayed to pass another request', async () => {
      const send = (externalId: string) =>
        request(gw.app)
          .post('/v1/orders')
          .set(ops)
          .set('Idempotency-Key', 'owasp-api6')
          .send(sampleOrder({ channel: 'webshop', externalId }));
      expect((await send('OWASP-IK-1')).status).toBe(202);
      const other = await send('OWASP-IK-2');
      expect(other.status).toBe(422);
    });
  });

  describe('API7:2023 Server Side Request Forgery', () => {
    it('when a path id would climb or change the internal URL (.., an encoded slash, a query), then 400 and no internal request is made', async () => {
      const before = seen.length;
      for (const id of ['..', '%2E%2E', '.', 'a%2Fb', '..%2F..%2Fmetrics', 'x%3Fy%3D1', '%23frag']) {
        const res = await request(gw.app).get(`/v1/fulfillments/${id}`).set(ops);
        expect(res.status).toBe(400);
        expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      }
      expect(seen.slice(before)).toEqual([]);
      const fine = await request(gw.app).get('/v1/fulfillments/f-1').set(ops);
      expect(fine.status).toBe(200);
      expect(seen.at(-1)).toBe('GET /internal/fulfillments/f-1');
    });
  });

  describe('API8:2023 Security Misconfiguration', () => {
    it('when a service listens beyond loopback without the service token, then it refuses to start', async () => {
      await expect(stack.start(ingestion, { HOST: '0.0.0.0' })).rejects.toBeInstanceOf(ConfigError);
    });

    it('when an unknown path or a failing route is asked, then a problem without internals, no X-Powered-By', async () => {
      const res = await request(gw.app).get('/v1/nothing-here').set(ops);
      expect(res.status).toBe(404);
      expect(res.headers['x-powered-by']).toBeUndefined();
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(JSON.stringify(res.body)).not.toMatch(/at .*\.ts:\d+|node_modules/);
    });

    it('when a signed webhook names an unknown channel or carrier, then the answer is the same 401 as a bad signature (nothing to enumerate)', async () => {
      const body = JSON.stringify({ id: 1 });
      const shop = (channel: string, sig: string) =>
        request(gw.app).post(`/v1/channels/${channel}/shopify/orders`).set('content-type', 'application/json').set('x-shopify-hmac-sha256', sig).send(body);
      const wrongSig = createHmac('sha256', 'not-the-secret').update(body).digest('base64');
      const known = await shop('shop-eu', wrongSig);
      const unknown = await shop('no-such-channel', wrongSig);
      expect(known.status).toBe(401);
      expect(unknown.status).toBe(401);
      expect({ ...unknown.body, instance: undefined }).toEqual({ ...known.body, instance: undefined });

      const track = (carrier: string) =>
        request(gw.app).post(`/v1/carriers/${carrier}/tracking`).set('OMS-Signature', 't=1,v1=00').set('content-type', 'application/json').send(body);
      const knownCarrier = await track('dhl');
      const unknownCarrier = await track('no-such-carrier');
      expect(knownCarrier.status).toBe(401);
      expect(unknownCarrier.status).toBe(401);
      expect({ ...unknownCarrier.body, instance: undefined }).toEqual({ ...knownCarrier.body, instance: undefined });
    });
  });

  describe('API9:2023 Improper Inventory Management', () => {
    it('when the API document is read, then it lists only the versioned public paths, no /internal, /metrics or probe', async () => {
      const res = await request(gw.app).get('/openapi.json');
      expect(res.status).toBe(200);
      const paths = Object.keys(res.body.paths);
      expect(paths.length).toBeGreaterThan(10);
      for (const path of paths) expect(path).toMatch(/^\/v1\//);
      expect((await request(gw.app).get('/v2/orders').set(ops)).status).toBe(404);
      // An API key is not the service token: /internal/* is closed to it (the gateway serves none anyway).
      expect((await request(gw.app).get('/internal/orders').set(ops)).status).toBe(401);
    });
  });

  describe('API10:2023 Unsafe Consumption of APIs', () => {
    it("when an internal service answers a huge problem, then the client gets it bounded; a crash or HTML answer becomes 503 without the service's text", async () => {
      const huge = await request(gw.app).get('/v1/fulfillments/huge-problem').set(ops);
      expect(huge.status).toBe(422);
      expect(huge.body.errors).toHaveLength(PROBLEM_LIMITS.listedErrors);
      expect(huge.body.errorsNotListed).toBe(5000 - PROBLEM_LIMITS.listedErrors);
      expect(Buffer.byteLength(huge.text)).toBeLessThanOrEqual(PROBLEM_LIMITS.answerBytes);

      for (const id of ['crash', 'html']) {
        const res = await request(gw.app).get(`/v1/fulfillments/${id}`).set(ops);
        expect(res.status).toBe(503);
        expect(res.text).not.toContain('secret stack trace');
        expect(res.text).not.toContain('<html>');
      }
    });
  });
});
