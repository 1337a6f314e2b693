import { createHmac } from 'node:crypto';
import request from 'supertest';
import { eventually, sampleOrder } from '@oms/testing';
import type { Cluster } from './cluster';

/**
 * Refusals of the commands a return sets off without anyone waiting (the refund, the restock) stay visible:
 * on the order's timeline and on the return. And a receipt at a location inventory does not know is refused
 * at once, before anything is recorded.
 */
export function returnRefusalsSuite(shared: () => Cluster): void {
  describe('refusals of a return’s refund and restock', () => {
    let cluster: Cluster;
    const secret = 'sandbox-webhook-secret-for-refusals';
    /** Its own channel, SKU, location and external ids: the suites of shared-cluster.test.ts share one cluster. */
    const channel = 'refusals-shop';
    const sku = 'SOCK-GRN-42';
    const location = 'refusals-wh';
    const api = () => request(cluster.gatewayUrl);
    const auth = () => ({ Authorization: `Bearer ${cluster.apiKey}` });
    const getOrder = async (id: string) => (await api().get(`/v1/orders/${id}`).set(auth()).expect(200)).body;
    const waitForStatus = (id: string, status: string) =>
      eventually(async () => {
        const o = await getOrder(id);
        return o.status === status && o;
      }, 30000);
    const signed = (body: string, t = Math.floor(Date.now() / 1000)) => `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
    const track = (trackingNumber: string, status: string) => {
      const body = JSON.stringify({ trackingNumber, status, occurredAt: new Date().toISOString() });
      return api().post('/v1/carriers/sandbox/tracking').set('Content-Type', 'application/json').set('OMS-Signature', signed(body)).send(body).expect(200);
    };

    /** An order placed, packed, shipped and delivered, with a return of one unit opened: its ids. */
    async function deliveredWithReturn(externalId: string, paymentReference: string): Promise<{ orderId: string; returnId: string }> {
      const base = sampleOrder({ channel, externalId, lines: [{ sku, quantity: 1, unitPrice: 1500 }] });
      const placed = await api()
        .post('/v1/orders')
        .set(auth())
        .send({ ...base, payment: { ...base.payment, reference: paymentReference } })
        .expect(202);
      const orderId = placed.body.id as string;
      await waitForStatus(orderId, 'ready_to_fulfill');
      const [fulfillment] = await eventually(async () => {
        const list = (await api().get(`/v1/fulfillments?orderId=${orderId}`).set(auth()).expect(200)).body;
        return list.length > 0 && list;
      });
      await api().post(`/v1/fulfillments/${fulfillment.id}/pack`).set(auth()).expect(200);
      await waitForStatus(orderId, 'shipped');
      const [shipment] = (await api().get(`/v1/shipments?orderId=${orderId}`).set(auth()).expect(200)).body;
      await track(shipment.trackingNumber, 'delivered');
      await waitForStatus(orderId, 'delivered');
      const opened = await api()
        .post('/v1/returns')
        .set(auth())
        .send({ orderId, lines: [{ sku, quantity: 1, reason: 'wrong colour' }] })
        .expect(201);
      return { orderId, returnId: opened.body.id };
    }

    beforeAll(async () => {
      cluster = shared();
      await api().put(`/v1/channels/${channel}`).set(auth()).send({ name: 'Refusals shop', type: 'web', defaultCurrency: 'EUR' }).expect(201);
      await api().put('/v1/carriers/sandbox').set(auth()).send({ webhookSecret: secret }).expect(200);
      await api().put(`/v1/locations/${location}`).set(auth()).send({ name: 'Refusals warehouse', type: 'warehouse' }).expect(200);
      await api().post('/v1/inventory/movements').set(auth()).send({ sku, locationId: location, quantity: 10, type: 'receipt' }).expect(201);
    }, 120000);

    it('when the payment provider refuses the refund of a received return, then the order’s timeline and the return both show it', async () => {
      // The sandbox refuses every refund of an authorization whose reference starts with refuse-refund (402).
      const { orderId, returnId } = await deliveredWithReturn('RF-1', 'refuse-refund-rf-1');
      await api()
        .post(`/v1/returns/${returnId}/receive`)
        .set(auth())
        .send({ locationId: location, lines: [{ sku, quantity: 1, condition: 'resellable' }] })
        .expect(200);

      const order = await eventually(async () => {
        const o = await getOrder(orderId);
        return o.timeline.some((t: any) => t.type === 'command_refused') && o;
      }, 30000);
      expect(order.timeline.find((t: any) => t.type === 'command_refused')).toEqual({
        at: expect.any(String),
        type: 'command_refused',
        service: 'payment-check',
        detail: `payment.refund.v1 refused (return ${returnId}): 422 the payment provider refused the refund (402): refund_declined`,
      });
      expect(order.returns).toEqual([{ id: returnId, status: 'refund_failed', refund: { amount: 1500, currency: 'EUR' } }]);
      expect(order.timeline.map((t: any) => t.type)).not.toContain('refunded');

      const ret = await eventually(async () => {
        const r = (await api().get(`/v1/returns/${returnId}`).set(auth()).expect(200)).body;
        return r.failures && r;
      });
      expect(ret).toMatchObject({ status: 'received', refund: 'failed' });
      expect(ret.failures).toEqual([
        { command: 'payment.refund.v1', status: 422, detail: 'the payment provider refused the refund (402): refund_declined', at: expect.any(String) },
      ]);
      // The goods were restocked all the same: the restock is not the refund.
      await eventually(async () => (await getOrder(orderId)).timeline.some((t: any) => t.type === 'return_restocked'));
    }, 120000);

    it('when a refused refund is retried by ops, then it is refunded once, and the order and the return show it refunded', async () => {
      const { orderId, returnId } = await deliveredWithReturn('RF-3', 'pay-rf-3');
      // The issuer refuses the next refund only: the retry goes through.
      cluster.paymentSandbox.refuseNextRefunds(1);
      await api()
        .post(`/v1/returns/${returnId}/receive`)
        .set(auth())
        .send({ locationId: location, lines: [{ sku, quantity: 1, condition: 'resellable' }] })
        .expect(200);
      await eventually(async () => (await getOrder(orderId)).returns[0]?.status === 'refund_failed', 30000);
      // Not failed: nothing to retry for another return.
      await api().post(`/v1/orders/${orderId}/returns/nope/retry-refund`).set(auth()).send({}).expect(404);

      const retried = await api().post(`/v1/orders/${orderId}/returns/${returnId}/retry-refund`).set(auth()).send({}).expect(200);
      expect(retried.body.timeline).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ type: 'refund_retry_requested', detail: expect.stringContaining('15.00 EUR'), actor: expect.any(String) }),
        ]),
      );
      const refunded = await eventually(async () => {
        const o = await getOrder(orderId);
        return o.returns[0]?.status === 'refunded' && o;
      }, 30000);
      // The sock came back, the shipping did not: partly refunded.
      expect(refunded.payment.status).toBe('partially_refunded');
      const ret = await eventually(async () => {
        const r = (await api().get(`/v1/returns/${returnId}`).set(auth()).expect(200)).body;
        return r.refund === 'refunded' && r;
      });
      expect(ret.refunded).toMatchObject({ amount: 1500 });
      // Refunded: a further retry is refused, and the provider refunded once.
      await api().post(`/v1/orders/${orderId}/returns/${returnId}/retry-refund`).set(auth()).send({}).expect(409);
      const [payment] = (await api().get(`/v1/payments?orderId=${orderId}`).set(auth()).expect(200)).body;
      expect(payment.refunds).toHaveLength(1);
    }, 120000);

    it('when a return is received at a location inventory does not know, then 422 names the field and the return stays as it was', async () => {
      const { returnId } = await deliveredWithReturn('RF-2', 'pay-rf-2');
      const refused = await api()
        .post(`/v1/returns/${returnId}/receive`)
        .set(auth())
        .send({ locationId: 'nowhere', lines: [{ sku, quantity: 1, condition: 'resellable' }] });
      expect(refused.status).toBe(422);
      expect(refused.headers['content-type']).toContain('application/problem+json');
      expect(refused.body).toMatchObject({
        status: 422,
        detail: 'location nowhere does not exist',
        errors: [{ path: 'locationId', message: 'location nowhere does not exist' }],
      });
      const ret = (await api().get(`/v1/returns/${returnId}`).set(auth()).expect(200)).body;
      expect(ret.status).toBe('requested');
      expect(ret).not.toHaveProperty('receipt');

      // Nothing was harmed: the same return is received at a real location afterwards.
      const received = await api()
        .post(`/v1/returns/${returnId}/receive`)
        .set(auth())
        .send({ locationId: location, lines: [{ sku, quantity: 1, condition: 'resellable' }] })
        .expect(200);
      expect(received.body).toMatchObject({ status: 'received', receipt: expect.objectContaining({ locationId: location }) });
    }, 120000);
  });
}
