import { createHmac, randomBytes } from 'node:crypto';
import request from 'supertest';
import { sampleOrder } from '@oms/testing';
import type { Cluster } from './cluster';
import type { LogScanner } from './log-scan';

/** Secrets of this suite, known before the cluster starts so that the scanner watches for them from the first line. */
export const logSecrets = {
  internalToken: randomBytes(32).toString('hex'),
  shopifySecret: `shpss_${randomBytes(16).toString('hex')}`,
  carrierSecret: `whsec_${randomBytes(16).toString('hex')}`,
};

/**
 * Runs last on the shared cluster, whose services all log (at debug) into `logs`: a flow that handles every kind
 * of secret (API keys made and used, wrong keys, signed and mis-signed webhooks of a channel and a carrier, the
 * service token on every internal call), then the check that no log line of the whole e2e run holds one.
 */
export function logSecretsSuite(cluster: () => Cluster, logs: LogScanner): void {
  describe('secrets in the logs of the e2e suites', () => {
    const ops = () => ({ Authorization: `Bearer ${cluster().apiKey}` });

    it('when keys, webhook secrets, HMACs and the service token are used, then none of them is in any log line', async () => {
      const { gatewayUrl, apiKey } = cluster();
      logs.watch('the bootstrap API key', apiKey);
      for (const [label, value] of Object.entries(logSecrets)) logs.watch(label, value);

      const created = await request(gatewayUrl)
        .post('/v1/api-keys')
        .set(ops())
        .send({ name: 'log scan', roles: ['channel:log-shop'] });
      expect(created.status).toBe(201);
      const key: string = created.body.key;
      logs.watch('a created API key', key);
      expect(
        (
          await request(gatewayUrl)
            .put('/v1/channels/log-shop')
            .set(ops())
            .send({ name: 'Log shop', type: 'shopify', defaultCurrency: 'EUR', webhookSecret: logSecrets.shopifySecret })
        ).status,
      ).toBeLessThan(300);
      expect((await request(gatewayUrl).put('/v1/carriers/log-carrier').set(ops()).send({ webhookSecret: logSecrets.carrierSecret })).status).toBeLessThan(300);

      // Used, and used wrongly: refusals are logged at info, with their request.
      expect(
        (
          await request(gatewayUrl)
            .post('/v1/orders')
            .set({ Authorization: `Bearer ${key}` })
            .send(sampleOrder({ channel: 'log-shop', externalId: 'LOG-1' }))
        ).status,
      ).toBe(202);
      expect(
        (
          await request(gatewayUrl)
            .get('/v1/orders')
            .set({ Authorization: `Bearer ${key}x` })
        ).status,
      ).toBe(401);

      const shopifyBody = JSON.stringify({ id: 1 });
      const shopifyHmac = createHmac('sha256', logSecrets.shopifySecret).update(shopifyBody).digest('base64');
      logs.watch('a Shopify HMAC', shopifyHmac);
      const shopify = await request(gatewayUrl)
        .post('/v1/channels/log-shop/shopify/orders')
        .set('content-type', 'application/json')
        .set('x-shopify-hmac-sha256', shopifyHmac)
        .set('x-shopify-webhook-id', 'log-scan-1')
        .send(shopifyBody);
      expect(shopify.status).not.toBe(401); // verified (the body is then refused as an order: that is logged too)
      const forged = createHmac('sha256', 'wrong').update(shopifyBody).digest('base64');
      logs.watch('a forged Shopify HMAC', forged);
      expect(
        (
          await request(gatewayUrl)
            .post('/v1/channels/log-shop/shopify/orders')
            .set('content-type', 'application/json')
            .set('x-shopify-hmac-sha256', forged)
            .send(shopifyBody)
        ).status,
      ).toBe(401);

      const trackingBody = JSON.stringify({ trackingNumber: 'LOG-TRACK-1', status: 'in_transit', occurredAt: new Date().toISOString() });
      const t = Math.floor(Date.now() / 1000);
      const signature = `t=${t},v1=${createHmac('sha256', logSecrets.carrierSecret).update(`${t}.${trackingBody}`).digest('hex')}`;
      logs.watch('an OMS-Signature', signature);
      const tracking = await request(gatewayUrl)
        .post('/v1/carriers/log-carrier/tracking')
        .set('content-type', 'application/json')
        .set('OMS-Signature', signature)
        .send(trackingBody);
      expect(tracking.status).not.toBe(401);

      // Outgoing webhooks: a secret given by the subscriber and one generated and shown once.
      const webhookSecret = `whsec_${randomBytes(16).toString('hex')}`;
      logs.watch('a given webhook subscription secret', webhookSecret);
      const given = await request(gatewayUrl)
        .post('/v1/webhook-subscriptions')
        .set({ Authorization: `Bearer ${key}` })
        .send({ url: 'http://127.0.0.1:9/log-scan', eventTypes: ['notification.order-confirmed.v1'], secret: webhookSecret });
      expect(given.status).toBe(201);
      const generated = await request(gatewayUrl)
        .post('/v1/webhook-subscriptions')
        .set({ Authorization: `Bearer ${key}` })
        .send({ url: 'http://127.0.0.1:9/log-scan', eventTypes: ['notification.delivered.v1'] });
      expect(generated.status).toBe(201);
      logs.watch('a generated webhook subscription secret', generated.body.secret);

      expect(logs.lines).toBeGreaterThan(100); // the services did log (at debug: every request), into the scanner
      expect(logs.findings).toEqual([]);
    });
  });
}
