import request from 'supertest';
import { eventually, sampleOrder } from '@oms/testing';
import type { Cluster } from './cluster';

/** Who may see and do what beyond the orders themselves: payments, shipments, fulfillments, returns, carriers. */
export function accessSuite(shared: () => Cluster): void {
  describe('roles on the routes around an order', () => {
    let cluster: Cluster;
    const api = () => request(cluster.gatewayUrl);
    const ops = () => ({ Authorization: `Bearer ${cluster.apiKey}` });
    const keys: Record<string, { Authorization: string }> = {};
    let orderId: string;
    let shipmentId: string;
    /** Its own channels, SKU and external id: the suites of shared-cluster.test.ts share one cluster. */
    const SKU = 'ACCESS-TEE';

    beforeAll(async () => {
      cluster = shared();
      await api().put('/v1/channels/webshop').set(ops()).send({ name: 'Web shop', type: 'web', defaultCurrency: 'EUR' }).expect(201);
      await api().put('/v1/channels/marketplace').set(ops()).send({ name: 'Marketplace', type: 'marketplace', defaultCurrency: 'EUR' }).expect(201);
      await api().put('/v1/carriers/sandbox').set(ops()).send({ webhookSecret: 'access-test-secret-0123456789' }).expect(200);
      await api().put('/v1/locations/berlin').set(ops()).send({ name: 'Berlin', type: 'warehouse' }).expect(200);
      await api().post('/v1/inventory/movements').set(ops()).send({ sku: SKU, locationId: 'berlin', quantity: 5, type: 'receipt' }).expect(201);
      for (const [name, roles] of Object.entries({
        webshop: ['channel:webshop'],
        marketplace: ['channel:marketplace'],
        partner: ['partner:sandbox'],
        otherPartner: ['partner:dhl'],
      })) {
        keys[name] = { Authorization: `Bearer ${(await api().post('/v1/api-keys').set(ops()).send({ name, roles }).expect(201)).body.key}` };
      }
      // An order of the marketplace, packed so that it has a shipment.
      orderId = (
        await api()
          .post('/v1/orders')
          .set(ops())
          .send(sampleOrder({ channel: 'marketplace', externalId: 'ACC-1', lines: [{ sku: SKU, quantity: 2, unitPrice: 1999 }] }))
          .expect(202)
      ).body.id;
      const [fulfillment] = (await eventually(async () => {
        const list = (await api().get(`/v1/fulfillments?orderId=${orderId}`).set(ops()).expect(200)).body;
        return list.length > 0 && list;
      }, 30000)) as any[];
      await api().post(`/v1/fulfillments/${fulfillment.id}/pack`).set(ops()).expect(200);
      const [shipment] = (await eventually(async () => {
        const list = (await api().get(`/v1/shipments?orderId=${orderId}`).set(ops()).expect(200)).body;
        return list.length > 0 && list;
      }, 30000)) as any[];
      shipmentId = shipment.id;
    }, 120000);

    it("when a channel key asks about another channel's order, then it is a 404; about its own, it is answered", async () => {
      await api().get(`/v1/payments?orderId=${orderId}`).set(keys.webshop!).expect(404);
      await api().get(`/v1/shipments?orderId=${orderId}`).set(keys.webshop!).expect(404);
      await api().get(`/v1/shipments/${shipmentId}`).set(keys.webshop!).expect(404);
      await api().get(`/v1/shipments/${shipmentId}/label`).set(keys.webshop!).expect(404);
      await api()
        .post('/v1/returns')
        .set(keys.webshop!)
        .send({ orderId, lines: [{ sku: SKU, quantity: 1, reason: 'not mine' }] })
        .expect(404);
      // The list of every return is for ops: a channel sees its own returns on its orders.
      await api().get('/v1/returns').set(keys.marketplace!).expect(403);
      expect((await api().get('/v1/returns?status=requested&limit=5').set(ops()).expect(200)).body).toMatchObject({ items: expect.any(Array) });
      expect((await api().get(`/v1/payments?orderId=${orderId}`).set(keys.marketplace!).expect(200)).body).toHaveLength(1);
      expect((await api().get(`/v1/shipments/${shipmentId}`).set(keys.marketplace!).expect(200)).body.orderId).toBe(orderId);
    });

    it("when a channel or partner key sends a command about another channel's order, then it is a 404 and the order is untouched", async () => {
      const before = (await api().get(`/v1/orders/${orderId}`).set(ops()).expect(200)).body;
      for (const key of [keys.webshop!, keys.partner!]) {
        const refused = await api().post(`/v1/orders/${orderId}/cancel`).set(key).send({ reason: 'not mine' }).expect(404);
        expect(refused.body).toMatchObject({ status: 404, detail: `Order ${orderId} was not found` });
        await api()
          .patch(`/v1/orders/${orderId}`)
          .set(key)
          .send({ payment: { amount: 1 } })
          .expect(404);
      }
      await api().post('/v1/orders/no-such-order/cancel').set(keys.marketplace!).send({ reason: 'typo' }).expect(404);
      const after = (await api().get(`/v1/orders/${orderId}`).set(ops()).expect(200)).body;
      expect(after.status).toBe(before.status);
      expect(after.timeline).toHaveLength(before.timeline.length);
      // Its own channel's key is answered by the order's rules (a shipped order can no longer be cancelled).
      await api().post(`/v1/orders/${orderId}/cancel`).set(keys.marketplace!).send({ reason: 'too late' }).expect(409);
    });

    it("when a partner key asks, then it sees its own carrier's shipments only, and nothing of payments", async () => {
      expect((await api().get(`/v1/shipments?orderId=${orderId}`).set(keys.partner!).expect(200)).body.map((s: any) => s.id)).toEqual([shipmentId]);
      expect((await api().get(`/v1/shipments?orderId=${orderId}`).set(keys.otherPartner!).expect(200)).body).toEqual([]);
      await api().get(`/v1/shipments/${shipmentId}`).set(keys.partner!).expect(200);
      await api().get(`/v1/shipments/${shipmentId}`).set(keys.otherPartner!).expect(404);
      await api().get(`/v1/payments?orderId=${orderId}`).set(keys.partner!).expect(403);
    });

    it("when a partner key hands over another carrier's shipment, then it is a 404; a channel key may not hand over at all", async () => {
      await api().post(`/v1/shipments/${shipmentId}/handover`).set(keys.otherPartner!).send({}).expect(404);
      await api().post(`/v1/shipments/${shipmentId}/handover`).set(keys.marketplace!).send({}).expect(403);
      // A channel key lists no carrier's shipments; a partner key not another carrier's.
      await api().get('/v1/shipments').set(keys.marketplace!).expect(403);
      await api().get('/v1/shipments?carrierId=sandbox').set(keys.otherPartner!).expect(403);
    });

    it('when a partner key records a scan of its own shipment, then the parcel and the order move on; another partner’s key finds no such shipment', async () => {
      const scan = { status: 'in_transit', occurredAt: new Date().toISOString(), location: 'Hub Leipzig' };
      await api().post(`/v1/shipments/${shipmentId}/tracking`).set(keys.otherPartner!).send(scan).expect(404);
      await api().post(`/v1/shipments/${shipmentId}/tracking`).set(keys.marketplace!).send(scan).expect(403);
      await api()
        .post(`/v1/shipments/${shipmentId}/tracking`)
        .set(keys.partner!)
        .send({ ...scan, status: 'teleported' })
        .expect(422);
      const recorded = await api().post(`/v1/shipments/${shipmentId}/tracking`).set(keys.partner!).send(scan);
      expect([200, 202]).toContain(recorded.status);
      await eventually(async () => (await api().get(`/v1/orders/${orderId}`).set(ops()).expect(200)).body.status === 'in_transit', 20000);
      const shipment = (await api().get(`/v1/shipments/${shipmentId}`).set(keys.partner!).expect(200)).body;
      expect(shipment.status).toBe('in_transit');
    });

    it('when partner provisioning is not configured (no RABBITMQ_MANAGEMENT_URL), then PUT /v1/partners/{id} answers 501 and says so', async () => {
      const refused = await api().put('/v1/partners/sandbox').set(ops()).send({ name: 'Sandbox' }).expect(501);
      expect(refused.body.detail).toMatch(/RABBITMQ_MANAGEMENT_URL/);
      expect((await api().get('/v1/partners/sandbox').set(ops()).expect(200)).body).toMatchObject({ id: 'sandbox', provisioning: false });
      await api().put('/v1/partners/nowhere').set(ops()).send({ name: 'Nowhere' }).expect(404);
    });

    it('when a channel or partner key tries warehouse or carrier work, then it is refused with 403', async () => {
      for (const key of [keys.marketplace!, keys.partner!]) {
        await api().get(`/v1/fulfillments?orderId=${orderId}`).set(key).expect(403);
        await api().post('/v1/fulfillments/any/pack').set(key).expect(403);
        await api()
          .post('/v1/fulfillments/any/short-pick')
          .set(key)
          .send({ lines: [{ sku: SKU, missing: 1 }] })
          .expect(403);
        await api().put('/v1/carriers/sandbox').set(key).send({ webhookSecret: 'taken-over-secret-0123456789' }).expect(403);
        await api().put('/v1/partners/sandbox').set(key).send({ name: 'Sandbox' }).expect(403);
        await api().get('/v1/partners/sandbox').set(key).expect(403);
        await api()
          .post('/v1/returns/any/receive')
          .set(key)
          .send({ locationId: 'berlin', lines: [{ sku: SKU, quantity: 1, condition: 'resellable' }] })
          .expect(403);
      }
    });
  });
}
