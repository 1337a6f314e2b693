import request from 'supertest';
import { eventually, sampleOrder } from '@oms/testing';
import type { Cluster } from './cluster';

/** The warehouse's day through the gateway, with a location key: its queue, a pick list, a pick, parcels, hand-over, a held order. */
export function warehouseSuite(shared: () => Cluster): void {
  describe('warehouse work queues', () => {
    let cluster: Cluster;
    const api = () => request(cluster.gatewayUrl);
    const ops = () => ({ Authorization: `Bearer ${cluster.apiKey}` });
    /** Its own channel, locations and SKUs: the suites of shared-cluster.test.ts share one cluster. */
    const channel = 'warehouse-shop';
    const north = 'wh-north';
    const south = 'wh-south';
    let northKey: { Authorization: string };
    let southKey: { Authorization: string };
    const getOrder = async (id: string) => (await api().get(`/v1/orders/${id}`).set(ops()).expect(200)).body;
    const waitFor = (id: string, test: (o: any) => boolean) =>
      eventually(async () => {
        const o = await getOrder(id);
        return test(o) && o;
      }, 30000);
    const place = async (externalId: string, sku: string, quantity: number) => {
      const id = (
        await api()
          .post('/v1/orders')
          .set(ops())
          .send(sampleOrder({ channel, externalId, lines: [{ sku, quantity, unitPrice: 1000 }] }))
          .expect(202)
      ).body.id as string;
      await waitFor(id, (o) => o.status === 'ready_to_fulfill');
      return id;
    };
    const queue = async (key: { Authorization: string }, query: string) => (await api().get(`/v1/fulfillments?${query}`).set(key).expect(200)).body;
    const fulfillmentOf = (orderId: string) =>
      eventually(async () => (await queue(ops(), `orderId=${orderId}`))[0] as { id: string; status: string; locationId: string; orderOnHold?: boolean });
    const keyFor = async (role: string) => ({
      Authorization: `Bearer ${
        (
          await api()
            .post('/v1/api-keys')
            .set(ops())
            .send({ name: role, roles: [role] })
            .expect(201)
        ).body.key
      }`,
    });

    beforeAll(async () => {
      cluster = shared();
      await api().put(`/v1/channels/${channel}`).set(ops()).send({ name: 'Warehouse shop', type: 'web', defaultCurrency: 'EUR' }).expect(201);
      for (const id of [north, south]) await api().put(`/v1/locations/${id}`).set(ops()).send({ name: id, type: 'warehouse' }).expect(200);
      await api().post('/v1/inventory/movements').set(ops()).send({ sku: 'WH-LAMP', locationId: north, quantity: 10, type: 'receipt' }).expect(201);
      await api().post('/v1/inventory/movements').set(ops()).send({ sku: 'WH-RUG', locationId: north, quantity: 2, type: 'receipt' }).expect(201);
      await api().post('/v1/inventory/movements').set(ops()).send({ sku: 'WH-CUP', locationId: north, quantity: 4, type: 'receipt' }).expect(201);
      await api().post('/v1/inventory/movements').set(ops()).send({ sku: 'WH-CUP-XL', locationId: north, quantity: 5, type: 'receipt' }).expect(201);
      await api().post('/v1/inventory/movements').set(ops()).send({ sku: 'WH-BOWL', locationId: north, quantity: 2, type: 'receipt' }).expect(201);
      await api()
        .put('/v1/inventory/WH-CUP/settings')
        .set(ops())
        .send({ leadTimeDays: 5, substitutes: ['WH-CUP-XL'] })
        .expect(200);
      northKey = await keyFor(`location:${north}`);
      southKey = await keyFor(`location:${south}`);
    }, 120000);

    it('when a location key lists, picks, packs in parcels and hands over, then the order ships; another location’s key sees and does none of it', async () => {
      const first = await place('WH-1', 'WH-LAMP', 3);
      const second = await place('WH-2', 'WH-LAMP', 1);
      // The fulfillments open moments after the orders are ready.
      await eventually(
        async () => (await queue(northKey, `locationId=${north}&limit=200`)).items.filter((x: any) => [first, second].includes(x.orderId)).length === 2,
      );
      const page = await queue(northKey, `locationId=${north}&limit=1`);
      expect(page.items).toHaveLength(1);
      const rest = await queue(northKey, `locationId=${north}&limit=50&cursor=${page.nextCursor}`);
      const listed = [...page.items, ...rest.items].map((f: any) => f.orderId);
      expect(listed).toEqual(expect.arrayContaining([first, second]));

      // The south key: 403 for the north queue, 404 for a north fulfillment, its commands and its documents.
      const f = await fulfillmentOf(first);
      await api().get(`/v1/fulfillments?locationId=${north}`).set(southKey).expect(403);
      await api().get(`/v1/fulfillments/${f.id}`).set(southKey).expect(404);
      await api().get(`/v1/fulfillments/${f.id}/packing-slip`).set(southKey).expect(404);
      await api().post(`/v1/fulfillments/${f.id}/pack`).set(southKey).send({}).expect(404);
      await api().post('/v1/pick-lists').set(southKey).send({ locationId: north }).expect(403);
      await api().get(`/v1/fulfillments?orderId=${first}`).set(northKey).expect(403);
      expect((await queue(southKey, `locationId=${south}`)).items).toEqual([]);

      await api()
        .put(`/v1/locations/${north}/bins`)
        .set(northKey)
        .send({ bins: [{ sku: 'WH-LAMP', bin: 'A-03-2' }] })
        .expect(200);
      await api()
        .put(`/v1/locations/${north}/bins`)
        .set(southKey)
        .send({ bins: [{ sku: 'WH-LAMP', bin: 'Z-99' }] })
        .expect(403);
      const list = await api().post('/v1/pick-lists').set(northKey).send({ locationId: north, maxFulfillments: 50 }).expect(201);
      expect(list.headers.location).toBe(`/v1/pick-lists/${list.body.id}`);
      expect(list.body.fulfillmentIds).toEqual(expect.arrayContaining([f.id]));
      expect(list.body.lines).toEqual(expect.arrayContaining([expect.objectContaining({ bin: 'A-03-2', sku: 'WH-LAMP' })]));
      const pdf = await api().get(`/v1/pick-lists/${list.body.id}/pdf`).set(northKey).expect(200);
      expect(pdf.headers['content-type']).toBe('application/pdf');
      await api().get(`/v1/pick-lists/${list.body.id}`).set(southKey).expect(404);

      await api()
        .post(`/v1/fulfillments/${f.id}/pick`)
        .set(northKey)
        .send({ lines: [{ sku: 'WH-LAMP', quantity: 3 }] })
        .expect(200);
      const bad = await api()
        .post(`/v1/fulfillments/${f.id}/pack`)
        .set(northKey)
        .send({ parcels: [{ lines: [{ sku: 'WH-LAMP', quantity: 4 }], weightGrams: 2000 }] })
        .expect(422);
      expect(bad.body.errors).toEqual([{ path: 'parcels', message: 'WH-LAMP: 4 packed, the fulfillment ships 3' }]);
      const parcels = [
        { lines: [{ sku: 'WH-LAMP', quantity: 2 }], weightGrams: 1800, dimensions: { lengthCm: 40, widthCm: 30, heightCm: 20 } },
        { lines: [{ sku: 'WH-LAMP', quantity: 1 }], weightGrams: 900 },
      ];
      const packed = await api().post(`/v1/fulfillments/${f.id}/pack`).set(northKey).send({ parcels }).expect(200);
      expect(packed.body).toMatchObject({ status: 'packed', parcels });
      const slip = await api().get(`/v1/fulfillments/${f.id}/packing-slip`).set(northKey).expect(200);
      expect(slip.headers['content-type']).toBe('application/pdf');
      await waitFor(first, (o) => o.status === 'shipped');
      await api().post(`/v1/fulfillments/${f.id}/hand-over`).set(northKey).expect(200);
      expect((await queue(northKey, `locationId=${north}&status=handed_over`)).items.map((x: any) => x.id)).toContain(f.id);
      const shipped = await waitFor(first, (o) => o.timeline.some((t: any) => t.type === 'handed_over'));
      expect(shipped.timeline.map((t: any) => t.type)).toEqual(expect.arrayContaining(['picking', 'picked', 'fulfillment_packed', 'handed_over']));
      expect(shipped.timeline.find((t: any) => t.type === 'fulfillment_packed').detail).toContain('in 2 parcels');
    });

    it('when a short pick leaves the order held (nothing elsewhere), then its fulfillment shows held and cannot be packed', async () => {
      const id = await place('WH-3', 'WH-RUG', 2);
      const f = await fulfillmentOf(id);
      await api()
        .post(`/v1/fulfillments/${f.id}/pick`)
        .set(northKey)
        .send({ lines: [{ sku: 'WH-RUG', quantity: 1 }] })
        .expect(200);
      await waitFor(id, (o) => o.status === 'on_hold' && o.holds.some((h: any) => h.reason === 'customer_decision'));
      const held = await eventually(async () => {
        const now = await fulfillmentOf(id);
        return now.orderOnHold === true && now;
      }, 15000);
      expect(held).toMatchObject({ status: 'picking', lines: [{ sku: 'WH-RUG', quantity: 1 }] });
      const refused = await api().post(`/v1/fulfillments/${f.id}/pack`).set(northKey).send({}).expect(409);
      expect(refused.body.detail).toContain('on hold (customer_decision)');
    });

    /** An order of 2 cups whose pick finds only 1, nothing elsewhere: held for the customer's decision. */
    const shortOfOneCup = async (externalId: string) => {
      const id = await place(externalId, 'WH-CUP', 2);
      const f = await fulfillmentOf(id);
      await api()
        .post(`/v1/fulfillments/${f.id}/pick`)
        .set(northKey)
        .send({ lines: [{ sku: 'WH-CUP', quantity: 1 }] })
        .expect(200);
      const held = await waitFor(id, (o) => o.status === 'on_hold' && o.holds.some((h: any) => h.reason === 'customer_decision'));
      return { id, f, held };
    };
    const payment = (orderId: string) =>
      eventually(async () => {
        const [p] = (await api().get(`/v1/payments?orderId=${orderId}`).set(ops()).expect(200)).body;
        return p?.status === 'captured' && p;
      }, 30000);

    it('when a short pick leaves a line unfilled and the customer drops it, then the order ships the rest and captures less (the partial refund)', async () => {
      const { id, f, held } = await shortOfOneCup('WH-4');
      expect(held.holds[0]).toMatchObject({
        missing: [{ sku: 'WH-CUP', missing: 1 }],
        options: [expect.objectContaining({ sku: 'WH-CUP', substitutes: [{ sku: 'WH-CUP-XL', available: expect.any(Number) }], canCancelLine: true })],
      });
      const before = held.payment.amount as number;
      await api()
        .post(`/v1/orders/${id}/decisions`)
        .set(ops())
        .send({ decisions: [{ sku: 'WH-CUP', choice: 'cancel_line' }] })
        .expect(200);
      const ready = await waitFor(id, (o) => o.status === 'ready_to_fulfill');
      expect(ready.lines).toEqual([expect.objectContaining({ sku: 'WH-CUP', quantity: 1 })]);
      expect(ready.payment.amount).toBe(before - 1000);
      await eventually(async () => (await fulfillmentOf(id)).orderOnHold !== true);
      await api().post(`/v1/fulfillments/${f.id}/pack`).set(northKey).send({}).expect(200);
      expect(await payment(id)).toMatchObject({ captured: before - 1000 });
    });

    it('when the customer takes a substitute after a short pick, then it is added to the same fulfillment, picked and shipped with the rest', async () => {
      const { id, f } = await shortOfOneCup('WH-5');
      await api()
        .post(`/v1/orders/${id}/decisions`)
        .set(ops())
        .send({ decisions: [{ sku: 'WH-CUP', choice: 'substitute', substituteSku: 'WH-CUP-XL' }] })
        .expect(200);
      const withSubstitute = await eventually(async () => {
        const now = (await api().get(`/v1/fulfillments/${f.id}`).set(northKey).expect(200)).body;
        return now.lines.length === 2 && now.orderOnHold !== true && now;
      }, 30000);
      expect(withSubstitute.lines).toEqual([
        { sku: 'WH-CUP', quantity: 1 },
        { sku: 'WH-CUP-XL', quantity: 1 },
      ]);
      await waitFor(id, (o) => o.status === 'ready_to_fulfill');
      await api().post(`/v1/fulfillments/${f.id}/pack`).set(northKey).send({}).expect(200);
      const shipped = await waitFor(id, (o) => o.status === 'shipped');
      expect(shipped.lines.map((l: any) => [l.sku, l.quantity])).toEqual([
        ['WH-CUP', 1],
        ['WH-CUP-XL', 1],
      ]);
    });

    it('when the customer waits after a short pick, then the order waits whole until stock arrives, and then ships complete', async () => {
      const id = await place('WH-6', 'WH-BOWL', 2);
      const f = await fulfillmentOf(id);
      await api()
        .post(`/v1/fulfillments/${f.id}/pick`)
        .set(northKey)
        .send({ lines: [{ sku: 'WH-BOWL', quantity: 1 }] })
        .expect(200);
      const held = await waitFor(id, (o) => o.status === 'on_hold' && o.holds.some((h: any) => h.reason === 'customer_decision'));
      const amount = held.payment.amount as number;
      await api()
        .post(`/v1/orders/${id}/decisions`)
        .set(ops())
        .send({ decisions: [{ sku: 'WH-BOWL', choice: 'wait' }] })
        .expect(200);
      const waiting = await waitFor(id, (o) => o.holds.some((h: any) => h.reason === 'stock_short'));
      expect(waiting).toMatchObject({ status: 'on_hold', lines: [expect.objectContaining({ sku: 'WH-BOWL', quantity: 2 })] });
      expect(waiting.holds).toEqual([expect.objectContaining({ reason: 'stock_short', missing: [{ sku: 'WH-BOWL', missing: 1 }] })]);
      await eventually(async () => (await fulfillmentOf(id)).orderOnHold === true, 15000);
      await api().post(`/v1/fulfillments/${f.id}/pack`).set(northKey).send({}).expect(409);

      // Goods in: the waited unit is added to the same fulfillment and the hold is lifted.
      await api().post('/v1/inventory/movements').set(ops()).send({ sku: 'WH-BOWL', locationId: north, quantity: 3, type: 'receipt' }).expect(201);
      const ready = await waitFor(id, (o) => o.status === 'ready_to_fulfill');
      expect(ready.holds).toEqual([]);
      const refilled = await eventually(async () => {
        const now = (await api().get(`/v1/fulfillments/${f.id}`).set(northKey).expect(200)).body;
        return now.lines[0]?.quantity === 2 && now.orderOnHold !== true && now;
      }, 30000);
      expect(refilled.lines).toEqual([{ sku: 'WH-BOWL', quantity: 2 }]);
      await api().post(`/v1/fulfillments/${f.id}/pack`).set(northKey).send({}).expect(200);
      await waitFor(id, (o) => o.status === 'shipped');
      expect(await payment(id)).toMatchObject({ captured: amount });
      const stock = (await api().get('/v1/inventory/WH-BOWL').set(ops()).expect(200)).body;
      expect(stock).toMatchObject({ reserved: 0 });
    });
  });
}
