import request from 'supertest';
import { eventually, sampleOrder } from '@oms/testing';
import type { Cluster } from './cluster';

/** Reports through the gateway: an order placed and packed shows in the sales by channel, as JSON and as CSV; ops only. */
export function reportsSuite(shared: () => Cluster): void {
  describe('reports', () => {
    let cluster: Cluster;
    const api = () => request(cluster.gatewayUrl);
    const ops = () => ({ Authorization: `Bearer ${cluster.apiKey}` });
    /** Its own channel, location and SKU: the suites of shared-cluster.test.ts share one cluster. */
    const channel = 'reports-shop';
    const location = 'reports-wh';
    const sku = 'REPORT-MUG';
    let channelKey: { Authorization: string };
    const today = () => new Date().toISOString().slice(0, 10);

    beforeAll(async () => {
      cluster = shared();
      await api().put(`/v1/channels/${channel}`).set(ops()).send({ name: 'Reports shop', type: 'web', defaultCurrency: 'EUR' }).expect(201);
      await api().put(`/v1/locations/${location}`).set(ops()).send({ name: 'Reports warehouse', type: 'warehouse' }).expect(200);
      await api().post('/v1/inventory/movements').set(ops()).send({ sku, locationId: location, quantity: 50, type: 'receipt' }).expect(201);
      const key = await api()
        .post('/v1/api-keys')
        .set(ops())
        .send({ name: 'reports-channel', roles: [`channel:${channel}`] })
        .expect(201);
      channelKey = { Authorization: `Bearer ${key.body.key}` };
    }, 120000);

    it('when an order is placed and packed, then the sales by channel count it, as JSON and as a CSV download; a channel key may not read reports', async () => {
      const id = (
        await api()
          .post('/v1/orders')
          .set(ops())
          .send(sampleOrder({ channel, externalId: 'REPORT-1', lines: [{ sku, quantity: 2, unitPrice: 1500 }] }))
          .expect(202)
      ).body.id as string;
      await eventually(async () => (await api().get(`/v1/orders/${id}`).set(ops()).expect(200)).body.status === 'ready_to_fulfill', 30000);
      const f = await eventually(async () => (await api().get(`/v1/fulfillments?orderId=${id}`).set(ops()).expect(200)).body[0], 30000);
      await api().post(`/v1/fulfillments/${f.id}/pack`).set(ops()).send({}).expect(200);

      const row = await eventually(async () => {
        const res = await api().get(`/v1/reports/sales?by=channel&from=${today()}&to=${today()}`).set(ops()).expect(200);
        return res.body.rows.find((r: any) => r.key === channel);
      }, 30000);
      expect(row).toMatchObject({ period: today(), orders: 1, amounts: [{ currency: 'EUR', orders: 1 }] });
      expect(row.amounts[0].amount).toBeGreaterThanOrEqual(3000);

      const csv = await api().get(`/v1/reports/sales?by=channel&from=${today()}&to=${today()}&format=csv`).set(ops()).expect(200);
      expect(csv.headers['content-type']).toMatch(/^text\/csv/);
      expect(csv.headers['content-disposition']).toMatch(/^attachment; filename="sales-by-channel_.+\.csv"$/);
      const lines = csv.text.trimEnd().split('\r\n');
      expect(lines[0]).toBe('period,channel,orders,currency,currency_orders,amount_minor');
      expect(lines).toContain(`${today()},${channel},1,EUR,1,${row.amounts[0].amount}`);

      await api().get('/v1/reports/sales').set(channelKey).expect(403);
      await api().get('/v1/reports/cancellations?format=csv').set(channelKey).expect(403);
      const bad = await api().get('/v1/reports/returns?from=2026-12-07&to=2026-12-01').set(ops()).expect(422);
      expect(bad.body.errors).toEqual([{ path: 'from', message: 'must not be after to (2026-12-01)' }]);
    });
  });
}
