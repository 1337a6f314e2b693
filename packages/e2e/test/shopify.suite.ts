import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { eventually } from '@oms/testing';
import { discountedTaxIncluded } from '../../../services/gateway/test/fixtures/shopify-discounted';
import type { Cluster } from './cluster';

/** A real Shopify order, discounted and tax-included, through the webhook and every check to the warehouse. */
export function shopifySuite(shared: () => Cluster): void {
  describe('a Shopify order through the whole cluster', () => {
    let cluster: Cluster;
    const channel = 'shopify-e2e';
    const secret = 'shpss_e2e_secret_0123456789abcdef';
    const api = () => request(cluster.gatewayUrl);
    const auth = () => ({ Authorization: `Bearer ${cluster.apiKey}` });
    const fixture = () =>
      JSON.parse(readFileSync(join(__dirname, '../../../services/gateway/test/fixtures/shopify-order.json'), 'utf8')) as Record<string, any>;

    beforeAll(async () => {
      cluster = shared();
      await api()
        .put(`/v1/channels/${channel}`)
        .set(auth())
        .send({ name: 'Shopify EU', type: 'shopify', defaultCurrency: 'EUR', webhookSecret: secret })
        .expect(201);
      await api().put('/v1/locations/shopify-wh').set(auth()).send({ name: 'Shopify test warehouse', type: 'warehouse' }).expect(200);
      await api()
        .post('/v1/inventory/movements')
        .set(auth())
        .send({
          movements: [
            { sku: 'SHOPIFY-TEE', locationId: 'shopify-wh', quantity: 10, type: 'receipt' },
            { sku: 'SHOPIFY-MUG', locationId: 'shopify-wh', quantity: 10, type: 'receipt' },
          ],
        })
        .expect(201);
    }, 60000);

    it('when a discounted, tax-included Shopify order arrives, then its totals match Shopify’s, it is screened and authorized for the amount due, and it goes to the warehouse', async () => {
      const order = discountedTaxIncluded(fixture(), Date.now());
      // This suite's own SKUs: the shared cluster's other suites count their stock.
      order.line_items[0].sku = 'SHOPIFY-TEE';
      order.line_items[1].sku = 'SHOPIFY-MUG';
      const body = JSON.stringify(order);
      const hmac = createHmac('sha256', secret).update(body, 'utf8').digest('base64');
      const res = await api()
        .post(`/v1/channels/${channel}/shopify/orders`)
        .set({
          'Content-Type': 'application/json',
          'X-Shopify-Topic': 'orders/create',
          'X-Shopify-Shop-Domain': 'example.myshopify.com',
          'X-Shopify-Hmac-Sha256': hmac,
          'X-Shopify-Webhook-Id': `wh-${order.id}`,
        })
        .send(body)
        .expect(202);
      const id = res.body.id as string;

      const ready = await eventually(async () => {
        const o = (await api().get(`/v1/orders/${id}`).set(auth()).expect(200)).body;
        return o.status === 'ready_to_fulfill' && o;
      }, 30000);
      // 2 × 19.99 − 4.00 + 12.50 − 1.25 + 4.95 − 4.95 = 47.23, 19 % MwSt included (7.54).
      expect(ready.totals).toMatchObject({ subtotal: 5248, discount: 525, shipping: 495, shippingDiscount: 495, tax: 754, total: 4723, due: 4723 });
      expect(ready.payment).toMatchObject({ amount: 4723, status: 'authorized' });
      expect(ready.holds).toEqual([]);
      expect(ready.timeline.map((t: any) => t.type)).toEqual(expect.arrayContaining(['address_checked', 'stock_reserved', 'payment_approved']));
      const [payment] = (await api().get(`/v1/payments?orderId=${id}`).set(auth()).expect(200)).body;
      expect(payment).toMatchObject({ amount: 4723, status: 'approved', screening: { outcome: 'approve' } });
    }, 60000);
  });
}
