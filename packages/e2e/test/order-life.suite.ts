import { createHmac } from 'node:crypto';
import request from 'supertest';
import { eventually, sampleOrder } from '@oms/testing';
import type { Cluster } from './cluster';

/** End to end, through the gateway's public HTTP API only. */
export function orderLifeSuite(shared: () => Cluster): void {
  describe('an order’s whole life through the gateway', () => {
    let cluster: Cluster;
    const secret = 'sandbox-webhook-secret-for-e2e';
    /** Its own channel, SKUs and external ids: the suites of shared-cluster.test.ts share one cluster. */
    const channel = 'order-life-shop';
    const api = () => request(cluster.gatewayUrl);
    const auth = () => ({ Authorization: `Bearer ${cluster.apiKey}` });

    const order = (externalId: string, sku: string, quantity = 2) => sampleOrder({ channel, externalId, lines: [{ sku, quantity, unitPrice: 1999 }] });

    const getOrder = async (id: string) => (await api().get(`/v1/orders/${id}`).set(auth())).body;
    const waitForStatus = (id: string, status: string) =>
      eventually(async () => {
        const o = await getOrder(id);
        return o.status === status && o;
      }, 30000);
    const stock = async (sku: string) => (await api().get(`/v1/inventory/${sku}`).set(auth()).expect(200)).body;
    const signed = (body: string, t = Math.floor(Date.now() / 1000)) => `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
    const track = (trackingNumber: string, status: string) => {
      const body = JSON.stringify({ trackingNumber, status, occurredAt: new Date().toISOString(), location: 'Berlin hub' });
      return api().post('/v1/carriers/sandbox/tracking').set('Content-Type', 'application/json').set('OMS-Signature', signed(body)).send(body);
    };
    const receive = async (sku: string, quantity: number) =>
      api().post('/v1/inventory/movements').set(auth()).send({ sku, locationId: 'berlin', quantity, type: 'receipt' }).expect(201);

    beforeAll(async () => {
      cluster = shared();
      await api().put(`/v1/channels/${channel}`).set(auth()).send({ name: 'Web shop', type: 'web', defaultCurrency: 'EUR' }).expect(201);
      await api().put('/v1/carriers/sandbox').set(auth()).send({ webhookSecret: secret }).expect(200);
      await api().put('/v1/locations/berlin').set(auth()).send({ name: 'Berlin warehouse', type: 'warehouse' }).expect(200);
    }, 120000);

    it('when an order is placed, packed, shipped, delivered and returned, then every step shows on the order and in stock', async () => {
      await receive('TSHIRT-BLK-M', 10);
      const placed = await api().post('/v1/orders').set(auth()).send(order('WS-10001', 'TSHIRT-BLK-M')).expect(202);
      expect(placed.body).toEqual({ id: expect.any(String), status: 'received' });
      expect(placed.headers.location).toBe(`/v1/orders/${placed.body.id}`);
      const id = placed.body.id;

      await waitForStatus(id, 'ready_to_fulfill');
      expect(await stock('TSHIRT-BLK-M')).toMatchObject({ onHand: 10, reserved: 2, available: 8 });

      // The fulfillment is opened just after the order became ready_to_fulfill.
      const [fulfillment] = await eventually(async () => {
        const list = (await api().get(`/v1/fulfillments?orderId=${id}`).set(auth()).expect(200)).body;
        return list.length > 0 && list;
      });
      expect(fulfillment).toMatchObject({ orderId: id, locationId: 'berlin', status: 'open' });
      const packed = await api().post(`/v1/fulfillments/${fulfillment.id}/pack`).set(auth()).expect(200);
      expect(packed.body.status).toBe('packed');

      await waitForStatus(id, 'shipped');
      await eventually(async () => {
        const s = await stock('TSHIRT-BLK-M');
        return s.onHand === 8 && s.reserved === 0;
      });
      const [shipment] = (await api().get(`/v1/shipments?orderId=${id}`).set(auth()).expect(200)).body;
      expect(shipment.trackingNumber).toMatch(/^SBX\d{12}$/);
      // Shipped: the authorized money is taken.
      const captured = await eventually(async () => {
        const [payment] = (await api().get(`/v1/payments?orderId=${id}`).set(auth()).expect(200)).body;
        return payment?.status === 'captured' && payment;
      });
      expect(captured).toMatchObject({ amount: 4493, captured: 4493 });
      const shipped = await eventually(async () => {
        const o = await getOrder(id);
        return o.payment.status === 'captured' && o;
      });
      expect(shipped.totals).toMatchObject({ paid: 4493, captured: 4493, outstanding: 0 });
      expect((await eventually(async () => (await getOrder(id)).checks.payment === 'captured' && getOrder(id))).timeline).toEqual(
        expect.arrayContaining([expect.objectContaining({ type: 'payment_captured', detail: expect.stringContaining('44.93 EUR captured') })]),
      );
      const label = await api()
        .get(`/v1/shipments/${shipment.id}/label`)
        .set(auth())
        .buffer(true)
        .parse((res, cb) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => cb(null, Buffer.concat(chunks)));
        });
      expect(label.status).toBe(200);
      expect(label.headers['content-type']).toMatch(/application\/pdf/);
      expect((label.body as Buffer).subarray(0, 5).toString()).toBe('%PDF-');

      await track(shipment.trackingNumber, 'in_transit').expect(200);
      await waitForStatus(id, 'in_transit');
      await track(shipment.trackingNumber, 'delivered').expect(200);
      await waitForStatus(id, 'delivered');

      const opened = await api()
        .post('/v1/returns')
        .set(auth())
        .send({ orderId: id, lines: [{ sku: 'TSHIRT-BLK-M', quantity: 2, reason: 'too small' }] });
      expect(opened.status).toBe(201);
      expect(opened.body).toMatchObject({ id: expect.any(String), status: 'requested' });
      await api()
        .post(`/v1/returns/${opened.body.id}/receive`)
        .set(auth())
        .send({
          locationId: 'berlin',
          lines: [
            { sku: 'TSHIRT-BLK-M', quantity: 1, condition: 'resellable' },
            { sku: 'TSHIRT-BLK-M', quantity: 1, condition: 'damaged' },
          ],
        })
        .expect(200);

      const returned = await eventually(async () => {
        const o = await getOrder(id);
        return o.status === 'returned' && o.timeline.some((t: any) => t.type === 'refunded') && o;
      }, 30000);
      const steps = returned.timeline.map((t: any) => t.type);
      expect(steps).toEqual(
        expect.arrayContaining([
          'order_received',
          'stock_reserved',
          'payment_approved',
          'fulfillment_opened',
          'fulfillment_packed',
          'shipment_booked',
          'tracking_delivered',
          'return_received',
          'refunded',
        ]),
      );
      for (const step of returned.timeline) expect(step).toEqual(expect.objectContaining({ at: expect.any(String), service: expect.any(String) }));
      expect(returned.timeline.find((t: any) => t.type === 'refunded').detail).toContain('39.98 EUR');
      // The lines came back, the shipping did not: partly refunded.
      expect(returned.payment).toMatchObject({ method: 'card', amount: 4493, status: 'partially_refunded' });
      expect(returned.totals).toMatchObject({ total: 4493, paid: 4493, captured: 4493, refunded: 3998, outstanding: 0 });
      await eventually(async () => (await stock('TSHIRT-BLK-M')).onHand === 9);
    }, 120000);

    it('when a parcel comes back to the sender, then the order is returned, its return opens by itself, and receiving it restocks and refunds', async () => {
      await receive('BELT-BRN', 4);
      const id = (
        await api()
          .post('/v1/orders')
          .set(auth())
          .send(order('WS-RTS-1', 'BELT-BRN', 1))
          .expect(202)
      ).body.id;
      await waitForStatus(id, 'ready_to_fulfill');
      const [fulfillment] = await eventually(async () => {
        const list = (await api().get(`/v1/fulfillments?orderId=${id}`).set(auth()).expect(200)).body;
        return list.length > 0 && list;
      });
      await api().post(`/v1/fulfillments/${fulfillment.id}/pack`).set(auth()).expect(200);
      await waitForStatus(id, 'shipped');
      const [shipment] = (await api().get(`/v1/shipments?orderId=${id}`).set(auth()).expect(200)).body;
      await track(shipment.trackingNumber, 'in_transit').expect(200);
      await track(shipment.trackingNumber, 'returned_to_sender').expect(200);
      const returned = await eventually(async () => {
        const o = await getOrder(id);
        return o.status === 'returned' && o.returns.length === 1 && o;
      }, 30000);
      const opened = (await api().get(`/v1/returns/${returned.returns[0].id}`).set(auth()).expect(200)).body;
      expect(opened).toMatchObject({ status: 'requested', lines: [{ sku: 'BELT-BRN', quantity: 1, reason: 'returned to sender' }] });
      await api()
        .post(`/v1/returns/${opened.id}/receive`)
        .set(auth())
        .send({ locationId: 'berlin', lines: [{ sku: 'BELT-BRN', quantity: 1, condition: 'resellable' }] })
        .expect(200);
      const refunded = await eventually(async () => {
        const o = await getOrder(id);
        return o.timeline.some((t: any) => t.type === 'refunded') && o;
      }, 30000);
      expect(refunded.totals).toMatchObject({ refunded: 1999 });
      await eventually(async () => (await stock('BELT-BRN')).onHand === 4);
    }, 120000);

    it('when orders are paid by invoice, cash on delivery or through the marketplace, with a discount and taxes included, then they are ready to fulfill without any card authorization', async () => {
      await receive('SOCKS-GRY', 10);
      const placedAs = async (externalId: string, method: string) => {
        const discounted = sampleOrder({
          channel,
          externalId,
          lines: [{ sku: 'SOCKS-GRY', quantity: 3, unitPrice: 999, discounts: [{ percentage: 10, code: 'SOCKS10' }], taxes: [{ title: 'MwSt', rate: 0.19 }] }],
          taxesIncluded: true,
          shipping: { method: 'standard', price: 495, discounts: [{ amount: 495, reason: 'free shipping from 25 EUR' }] },
        });
        const body = { ...discounted, payment: { ...discounted.payment, method, reference: `${method}-${externalId}` } };
        return (await api().post('/v1/orders').set(auth()).send(body).expect(202)).body.id as string;
      };
      const ids = {
        invoice: await placedAs('WS-INV-1', 'invoice'),
        cod: await placedAs('WS-COD-1', 'cash_on_delivery'),
        market: await placedAs('WS-MP-1', 'marketplace'),
      };
      for (const [kind, id] of Object.entries(ids)) {
        const ready = await waitForStatus(id, 'ready_to_fulfill');
        // 3 × 9.99 = 29.97 less 10 % (3.00) = 26.97; shipping 4.95 less 4.95; 19 % included: 4.31
        expect(ready.totals).toMatchObject({ subtotal: 2997, discount: 300, shippingDiscount: 495, tax: 431, total: 2697, due: 2697 });
        expect(ready.payment.amount).toBe(2697);
        const [payment] = (await api().get(`/v1/payments?orderId=${id}`).set(auth()).expect(200)).body;
        expect(payment).toMatchObject({ status: 'approved', amount: 2697, flow: kind === 'market' ? 'channel' : 'invoice' });
        expect(payment).not.toHaveProperty('authorizationId');
        // An invoice or COD is still to be paid; the marketplace has the money.
        expect(ready.payment.status).toBe(kind === 'market' ? 'captured' : 'pending');
        expect(ready.totals.outstanding).toBe(kind === 'market' ? 0 : 2697);
      }
    }, 90000);

    it('when an order is paid in advance by bank transfer, then it waits for the money; recorded in two transfers it goes to the warehouse', async () => {
      await receive('SCARF-BLU', 5);
      const prepaid = sampleOrder({ channel, externalId: 'WS-VORKASSE-1', lines: [{ sku: 'SCARF-BLU', quantity: 1, unitPrice: 2500 }] });
      const body = { ...prepaid, payment: { ...prepaid.payment, method: 'bank_transfer', provider: 'bank', reference: 'VK-1' } };
      const id = (await api().post('/v1/orders').set(auth()).send(body).expect(202)).body.id as string;
      const waiting = await waitForStatus(id, 'awaiting_payment');
      expect(waiting.payment.status).toBe('awaiting_payment');
      expect(waiting.totals.outstanding).toBe(2995);

      const pay = (amount: number, reference: string) => api().post(`/v1/orders/${id}/payments`).set(auth()).send({ amount, reference });
      expect([200, 202]).toContain((await pay(1000, 'SEPA-A')).status);
      expect([200, 202]).toContain((await pay(1000, 'SEPA-A')).status); // the same transfer again counts once
      await eventually(async () => {
        const [payment] = (await api().get(`/v1/payments?orderId=${id}`).set(auth()).expect(200)).body;
        return payment?.received?.length === 1 && payment.status === 'awaiting_payment';
      });
      expect([200, 202]).toContain((await pay(1995, 'SEPA-B')).status);
      const ready = await waitForStatus(id, 'ready_to_fulfill');
      expect(ready.payment.status).toBe('captured');
      expect(ready.totals).toMatchObject({ paid: 2995, outstanding: 0 });

      const invalid = await pay(0, 'SEPA-C');
      expect(invalid.status).toBe(422);
      const notWaiting = await pay(100, 'SEPA-D');
      expect(notWaiting.status).toBe(409);
      expect(notWaiting.headers['content-type']).toMatch(/application\/problem\+json/);
    }, 90000);

    it('when stock is short, then the order is put on hold with the reason stock_short', async () => {
      await receive('MUG-WHT', 1);
      const placed = await api()
        .post('/v1/orders')
        .set(auth())
        .send(order('WS-10002', 'MUG-WHT', 3))
        .expect(202);
      const held = await waitForStatus(placed.body.id, 'on_hold');
      expect(held.holds).toEqual([expect.objectContaining({ reason: 'stock_short' })]);
      expect(await stock('MUG-WHT')).toMatchObject({ onHand: 1, reserved: 0, available: 1 });
    }, 60000);

    it('when an order is cancelled before fulfillment, then its reserved stock is released', async () => {
      await receive('CAP-RED', 5);
      const placed = await api()
        .post('/v1/orders')
        .set(auth())
        .send(order('WS-10003', 'CAP-RED', 2))
        .expect(202);
      const id = placed.body.id;
      await waitForStatus(id, 'ready_to_fulfill');
      expect(await stock('CAP-RED')).toMatchObject({ reserved: 2, available: 3 });
      const cancelled = await api().post(`/v1/orders/${id}/cancel`).set(auth()).send({ reason: 'customer changed their mind' });
      expect(cancelled.status).toBe(200);
      expect(cancelled.body.status).toBe('cancelled');
      await eventually(async () => (await stock('CAP-RED')).reserved === 0);
      expect(await stock('CAP-RED')).toMatchObject({ onHand: 5, reserved: 0, available: 5 });
      const after = await getOrder(id);
      expect(after.timeline.find((t: any) => t.type === 'cancel_requested')).toMatchObject({
        actor: expect.any(String),
        detail: 'customer changed their mind',
      });
      await api().post(`/v1/orders/${id}/cancel`).set(auth()).send({}).expect(200);
    }, 60000);
  });
}
