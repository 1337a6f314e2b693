import request from 'supertest';
import { eventually, sampleOrder } from '@oms/testing';
import type { Cluster } from './cluster';

/** Reading and changing orders end to end, through the gateway only: list, timeline, PATCH, cancel. */
export function ordersLifecycleSuite(shared: () => Cluster): void {
  describe('reading and changing orders through the gateway', () => {
    let cluster: Cluster;
    const api = () => request(cluster.gatewayUrl);
    const auth = () => ({ Authorization: `Bearer ${cluster.apiKey}` });
    const SKU = 'E2E-HOODIE';
    /** Its own channel, SKU and external ids: the suites of shared-cluster.test.ts share one cluster. */
    const CHANNEL = 'lifecycle-shop';

    const getOrder = async (id: string) => (await api().get(`/v1/orders/${id}`).set(auth())).body;
    const waitFor = (id: string, probe: (o: any) => boolean) =>
      eventually(async () => {
        const o = await getOrder(id);
        return probe(o) && o;
      }, 30000);
    const stock = async () => (await api().get(`/v1/inventory/${SKU}`).set(auth()).expect(200)).body;
    const place = async (externalId: string, quantity: number, amount?: number) => {
      const order = sampleOrder({
        channel: CHANNEL,
        externalId,
        lines: [{ sku: SKU, quantity, unitPrice: 3000 }],
        customer: { email: `${externalId.toLowerCase()}@example.com`, name: `Kim ${externalId}` },
      });
      if (amount !== undefined) order.payment = { ...order.payment, amount };
      const res = await api().post('/v1/orders').set(auth()).send(order);
      if (res.status !== 202) throw new Error(JSON.stringify(res.body));
      return res.body.id as string;
    };
    const types = (o: any) => o.timeline.map((t: any) => t.type);

    beforeAll(async () => {
      cluster = shared();
      await api().put(`/v1/channels/${CHANNEL}`).set(auth()).send({ name: 'Webshop', type: 'web', defaultCurrency: 'EUR' }).expect(201);
      await api().put('/v1/locations/berlin').set(auth()).send({ name: 'Berlin warehouse', type: 'warehouse' }).expect(200);
      await api().post('/v1/inventory/movements').set(auth()).send({ sku: SKU, locationId: 'berlin', quantity: 10, type: 'receipt' }).expect(201);
    }, 120000);

    it('when orders are listed, read and cancelled, then filters and pages work, and the cancel releases stock, voids the payment and names who and why', async () => {
      const first = await place('LC-1', 2);
      await waitFor(first, (o) => o.status === 'ready_to_fulfill');
      const second = await place('LC-2', 1);
      await waitFor(second, (o) => o.status === 'ready_to_fulfill');
      expect(await stock()).toMatchObject({ onHand: 10, reserved: 3 });

      const page1 = await api().get('/v1/orders').query({ sku: SKU, limit: 1 }).set(auth()).expect(200);
      expect(page1.body.items.map((o: any) => o.id)).toEqual([second]);
      const page2 = await api().get('/v1/orders').query({ sku: SKU, limit: 1, cursor: page1.body.nextCursor }).set(auth()).expect(200);
      expect(page2.body.items.map((o: any) => o.id)).toEqual([first]);
      const found = await api().get('/v1/orders').query({ q: 'kim lc-1', status: 'ready_to_fulfill' }).set(auth()).expect(200);
      expect(found.body.items.map((o: any) => o.id)).toEqual([first]);
      expect((await api().get('/v1/orders').query({ q: 'lc-1', channel: 'nowhere' }).set(auth()).expect(200)).body.items).toEqual([]);

      // Once a fulfillment is open the order can no longer be changed, only cancelled.
      const late = await api()
        .patch(`/v1/orders/${first}`)
        .set(auth())
        .send({ shippingAddress: { name: 'X', line1: 'Y 1', postalCode: '10115', city: 'Berlin', country: 'DE' } });
      expect(late.status).toBe(409);
      expect(late.body.detail).toContain('ready_to_fulfill');

      const cancelled = await api().post(`/v1/orders/${first}/cancel`).set(auth()).send({ reason: 'customer changed their mind' }).expect(200);
      expect(cancelled.body.status).toBe('cancelled');
      await eventually(async () => (await stock()).reserved === 1, 30000);
      const after = await waitFor(first, (o) => o.checks.payment === 'voided' && o.checks.stock === 'released');
      expect(types(after)).toEqual(expect.arrayContaining(['cancel_requested', 'stock_released', 'payment_voided']));
      const { body: timeline } = await api().get(`/v1/orders/${first}/timeline`).set(auth()).expect(200);
      expect(timeline.id).toBe(first);
      expect(timeline.timeline.find((t: any) => t.type === 'cancel_requested')).toMatchObject({
        actor: 'api-key:bootstrap',
        detail: 'customer changed their mind',
        service: 'gateway',
        at: expect.any(String),
      });
      for (const t of timeline.timeline)
        expect(t).toEqual(expect.objectContaining({ at: expect.any(String), service: expect.any(String), type: expect.any(String) }));
    });

    it('when a held order’s address, lines and amount are changed, then the timeline shows who changed what, stock is reserved again for the new lines, and cancelling releases it', async () => {
      // 20 hoodies for the wrong amount: held with amount_mismatch, nothing reserved.
      const id = await place('LC-3', 20, 1);
      await waitFor(id, (o) => o.status === 'on_hold');
      const address = { name: 'Kim Park', line1: 'Schönhauser Allee 10', postalCode: '10435', city: 'Berlin', country: 'DE' };
      const moved = await api().patch(`/v1/orders/${id}`).set(auth()).send({ shippingAddress: address }).expect(200);
      expect(moved.body.shippingAddress).toEqual(address);
      expect(moved.body.timeline.find((t: any) => t.type === 'order_amended')).toMatchObject({
        actor: 'api-key:bootstrap',
        detail: expect.stringContaining('Schönhauser Allee 10'),
      });
      expect(moved.body.timeline.find((t: any) => t.type === 'address_checked').detail).toMatch(/^deliverable by standard; checked in/);

      // The right amount for 20: checks start, but only 9 are available: held for stock_short.
      await api()
        .patch(`/v1/orders/${id}`)
        .set(auth())
        .send({ payment: { amount: 20 * 3000 + 495 } })
        .expect(200);
      const short = await waitFor(id, (o) => o.holds.some((h: any) => h.reason === 'stock_short'));
      expect(short.status).toBe('on_hold');

      // Fewer hoodies and the matching amount: a new reservation (inventory keeps one per key), a new authorization.
      const amended = await api()
        .patch(`/v1/orders/${id}`)
        .set(auth())
        .send({ lines: [{ sku: SKU, quantity: 4, unitPrice: 3000 }], payment: { amount: 4 * 3000 + 495 } })
        .expect(200);
      expect(amended.body).toMatchObject({ status: 'pending', holds: [] });
      const ready = await waitFor(id, (o) => o.status === 'ready_to_fulfill');
      expect(ready.allocation).toEqual([{ sku: SKU, quantity: 4, locationId: 'berlin' }]);
      expect(await stock()).toMatchObject({ reserved: 5, available: 5 });
      expect(ready.timeline.filter((t: any) => t.type === 'order_amended')).toHaveLength(3);

      await api().post(`/v1/orders/${id}/cancel`).set(auth()).send({ reason: 'duplicate order' }).expect(200);
      await eventually(async () => (await stock()).reserved === 1, 30000);
      await waitFor(id, (o) => o.checks.payment === 'voided');
    });
  });
}
