import { createHmac } from 'node:crypto';
import request from 'supertest';
import { eventually, sampleOrder } from '@oms/testing';
import type { Cluster } from './cluster';

/** Money back through the gateway: a partial return whose refund includes the shipping, at the price paid. */
export function refundsSuite(shared: () => Cluster): void {
  describe('refunds through the gateway', () => {
    let cluster: Cluster;
    const channel = 'refund-shop';
    const sku = 'REFUND-BOOT';
    const secret = 'sandbox-webhook-secret-for-e2e';
    const api = () => request(cluster.gatewayUrl);
    const auth = () => ({ Authorization: `Bearer ${cluster.apiKey}` });
    const getOrder = async (id: string) => (await api().get(`/v1/orders/${id}`).set(auth()).expect(200)).body;
    const waitFor = (id: string, ok: (o: any) => boolean) =>
      eventually(async () => {
        const o = await getOrder(id);
        return ok(o) && o;
      }, 30000);
    const signed = (body: string, t = Math.floor(Date.now() / 1000)) => `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
    const track = (trackingNumber: string, status: string) => {
      const body = JSON.stringify({ trackingNumber, status, occurredAt: new Date().toISOString() });
      return api().post('/v1/carriers/sandbox/tracking').set('Content-Type', 'application/json').set('OMS-Signature', signed(body)).send(body);
    };

    beforeAll(async () => {
      cluster = shared();
      await api().put(`/v1/channels/${channel}`).set(auth()).send({ name: 'Refund test shop', type: 'web', defaultCurrency: 'EUR' }).expect(201);
      await api().put('/v1/carriers/sandbox').set(auth()).send({ webhookSecret: secret }).expect(200);
      await api().put('/v1/locations/refund-wh').set(auth()).send({ name: 'Refund test warehouse', type: 'warehouse' }).expect(200);
      await api().post('/v1/inventory/movements').set(auth()).send({ sku, locationId: 'refund-wh', quantity: 10, type: 'receipt' }).expect(201);
    }, 60000);

    it('when one of two discounted boots comes back with the shipping refunded, then the refund is the price paid for it plus the shipping, and the payment is partially refunded', async () => {
      const body = sampleOrder({
        channel,
        externalId: `RF-${Date.now()}`,
        customer: { email: `refund-${Date.now()}@example.de`, name: 'Kim Kunde' },
        lines: [{ sku, quantity: 2, unitPrice: 5000, discounts: [{ percentage: 10, code: 'BOOTS10' }] }],
        shipping: { method: 'standard', price: 495 },
      });
      const id = (await api().post('/v1/orders').set(auth()).send(body).expect(202)).body.id;
      await waitFor(id, (o) => o.status === 'ready_to_fulfill');
      const [fulfillment] = await eventually(async () => {
        const list = (await api().get(`/v1/fulfillments?orderId=${id}`).set(auth()).expect(200)).body;
        return list.length > 0 && list;
      });
      await api().post(`/v1/fulfillments/${fulfillment.id}/pack`).set(auth()).expect(200);
      await waitFor(id, (o) => o.status === 'shipped' && o.payment.status === 'captured');
      const [shipment] = (await api().get(`/v1/shipments?orderId=${id}`).set(auth()).expect(200)).body;
      await track(shipment.trackingNumber, 'delivered').expect(200);
      await waitFor(id, (o) => o.status === 'delivered');

      const opened = await api()
        .post('/v1/returns')
        .set(auth())
        .send({ orderId: id, lines: [{ sku, quantity: 1, reason: 'arrived damaged' }], refundShipping: true })
        .expect(201);
      await api()
        .post(`/v1/returns/${opened.body.id}/receive`)
        .set(auth())
        .send({ locationId: 'refund-wh', lines: [{ sku, quantity: 1, condition: 'damaged' }] })
        .expect(200);

      // Paid 2 × 50.00 − 10 % = 90.00 for the boots, 4.95 shipping: one boot at 45.00 plus the shipping back.
      const refunded = await waitFor(id, (o) => o.timeline.some((t: any) => t.type === 'refunded'));
      expect(refunded.timeline.find((t: any) => t.type === 'refunded').detail).toContain('49.95 EUR');
      expect(refunded.payment.status).toBe('partially_refunded');
      expect(refunded.totals).toMatchObject({ total: 9495, captured: 9495, refunded: 4995 });
      const [payment] = (await api().get(`/v1/payments?orderId=${id}`).set(auth()).expect(200)).body;
      expect(payment.refunds).toEqual([expect.objectContaining({ returnId: opened.body.id, amount: 4995 })]);
    }, 120000);
  });
}
