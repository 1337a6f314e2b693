import request from 'supertest';
import { eventually, expectNothingWithin, sampleOrder } from '@oms/testing';
import type { Cluster } from './cluster';

/** Short stock through the gateway: the customer's options, their decision, and backorders served in order. */
export function shortagesSuite(shared: () => Cluster): void {
  describe('short stock and the customer’s decision', () => {
    let cluster: Cluster;
    const api = () => request(cluster.gatewayUrl);
    const auth = () => ({ Authorization: `Bearer ${cluster.apiKey}` });
    /** Its own channel, location, SKUs and external ids: the suites of shared-cluster.test.ts share one cluster. */
    const channel = 'shortage-shop';
    const getOrder = async (id: string) => (await api().get(`/v1/orders/${id}`).set(auth()).expect(200)).body;
    const waitFor = (id: string, test: (o: any) => boolean, timeoutMs = 30000) =>
      eventually(async () => {
        const o = await getOrder(id);
        return test(o) && o;
      }, timeoutMs);
    const receive = (sku: string, quantity: number, reference?: string) =>
      api()
        .post('/v1/inventory/movements')
        .set(auth())
        .send({ sku, locationId: 'main', quantity, type: 'receipt', ...(reference ? { reference } : {}) })
        .expect(201);
    const stock = async (sku: string) => (await api().get(`/v1/inventory/${sku}`).set(auth()).expect(200)).body;
    const place = async (externalId: string, lines: Array<{ sku: string; quantity: number; unitPrice: number }>) =>
      (await api().post('/v1/orders').set(auth()).send(sampleOrder({ channel, externalId, lines })).expect(202)).body.id as string;
    const shortHold = (o: any) => o.status === 'on_hold' && o.holds.find((h: any) => h.reason === 'stock_short');

    beforeAll(async () => {
      cluster = shared();
      await api().put(`/v1/channels/${channel}`).set(auth()).send({ name: 'Web shop', type: 'web', defaultCurrency: 'EUR' }).expect(201);
      await api().put('/v1/locations/main').set(auth()).send({ name: 'Main warehouse', type: 'warehouse' }).expect(200);
    }, 120000);

    it('when a line is short, then the hold lists substitutes and incoming stock; choosing a substitute reserves it and the order goes on', async () => {
      await receive('MUG-RED', 1);
      await receive('MUG-BLUE', 5);
      await api()
        .put('/v1/inventory/MUG-RED/settings')
        .set(auth())
        .send({ leadTimeDays: 7, substitutes: ['MUG-BLUE'] })
        .expect(200);
      await api()
        .post('/v1/inventory/incoming')
        .set(auth())
        .send({ sku: 'MUG-RED', locationId: 'main', quantity: 50, expectedAt: '2026-12-15', reference: 'PO-RED' })
        .expect(201);

      const id = await place('SH-1', [{ sku: 'MUG-RED', quantity: 2, unitPrice: 1500 }]);
      const held = await waitFor(id, shortHold);
      expect(shortHold(held).options).toEqual([
        {
          sku: 'MUG-RED',
          substitutes: [{ sku: 'MUG-BLUE', available: 5 }],
          incoming: [{ locationId: 'main', quantity: 50, expectedAt: '2026-12-15' }],
          canCancelLine: true,
        },
      ]);

      // A substitute that was not offered is refused, naming the field; nothing changes.
      const refused = await api()
        .post(`/v1/orders/${id}/decisions`)
        .set(auth())
        .send({ decisions: [{ sku: 'MUG-RED', choice: 'substitute', substituteSku: 'MUG-GOLD' }] })
        .expect(422);
      expect(refused.body.errors).toEqual([expect.objectContaining({ path: 'decisions.0.substituteSku' })]);

      await api()
        .post(`/v1/orders/${id}/decisions`)
        .set(auth())
        .send({ decisions: [{ sku: 'MUG-RED', choice: 'substitute', substituteSku: 'MUG-BLUE' }] })
        .expect(200);
      const ready = await waitFor(id, (o) => o.status === 'ready_to_fulfill');
      expect(ready.lines).toEqual([expect.objectContaining({ sku: 'MUG-BLUE', quantity: 2, unitPrice: 1500 })]);
      expect(ready.holds).toEqual([]);
      expect(ready.timeline.find((t: any) => t.type === 'customer_decision')).toMatchObject({
        detail: 'MUG-RED: substitute MUG-BLUE',
        actor: expect.any(String),
      });
      expect(await stock('MUG-BLUE')).toMatchObject({ reserved: 2 });
      // A decision once the order is no longer waiting for one is a conflict.
      await api()
        .post(`/v1/orders/${id}/decisions`)
        .set(auth())
        .send({ decisions: [{ sku: 'MUG-RED', choice: 'wait' }] })
        .expect(409);
    });

    it('when customers choose to wait, then backorders are served first in, first out as stock arrives', async () => {
      const first = await place('SH-2', [{ sku: 'LAMP-1', quantity: 3, unitPrice: 4000 }]);
      await waitFor(first, shortHold);
      const second = await place('SH-3', [{ sku: 'LAMP-1', quantity: 1, unitPrice: 4000 }]);
      await waitFor(second, shortHold);
      await api()
        .post(`/v1/orders/${first}/decisions`)
        .set(auth())
        .send({ decisions: [{ sku: 'LAMP-1', choice: 'wait' }] })
        .expect(200);
      await waitFor(first, (o) => o.checks?.stock === 'backordered' || shortHold(o)?.detail?.startsWith('backordered'));
      await api()
        .post(`/v1/orders/${second}/decisions`)
        .set(auth())
        .send({ decisions: [{ sku: 'LAMP-1', choice: 'wait' }] })
        .expect(200);
      await waitFor(second, (o) => shortHold(o)?.detail?.startsWith('backordered'));

      // Two arrive: not enough for the first in line (3), and the second (1) may not jump the queue.
      await receive('LAMP-1', 2);
      // Inventory serves backorders in the background right after a receipt; a reservation would show in the stock
      // at once. That none is made has no event to wait for: watched for a while.
      await expectNothingWithin(1000, async () => (await stock('LAMP-1')).reserved > 0, 'a backorder served from 2 LAMP-1', 100);
      expect((await getOrder(first)).status).toBe('on_hold');
      expect((await getOrder(second)).status).toBe('on_hold');
      expect(await stock('LAMP-1')).toMatchObject({ onHand: 2, reserved: 0 });

      // Two more: the first is served; the one left over goes to the second.
      await receive('LAMP-1', 2);
      const firstReady = await waitFor(first, (o) => o.status === 'ready_to_fulfill');
      expect(firstReady.timeline.find((t: any) => t.type === 'stock_reserved').detail).toContain('backorder served first in, first out');
      await waitFor(second, (o) => o.status === 'ready_to_fulfill');
      expect(await stock('LAMP-1')).toMatchObject({ onHand: 4, reserved: 4, available: 0 });
    });

    it('when the customer cancels the short line, then the rest goes on and the amount to capture drops; cancelling every line cancels the order', async () => {
      await receive('SOCK-1', 10);
      const id = await place('SH-4', [
        { sku: 'SOCK-1', quantity: 2, unitPrice: 500 },
        { sku: 'HAT-NONE', quantity: 1, unitPrice: 2500 },
      ]);
      const held = await waitFor(id, shortHold);
      expect(shortHold(held).options.map((o: any) => o.sku)).toEqual(['HAT-NONE']);
      const missing = await api()
        .post(`/v1/orders/${id}/decisions`)
        .set(auth())
        .send({ decisions: [{ sku: 'SOCK-1', choice: 'cancel_line' }] })
        .expect(422);
      expect(missing.body.errors.map((e: any) => e.path)).toEqual(expect.arrayContaining(['decisions.0.sku', 'decisions']));

      await api()
        .post(`/v1/orders/${id}/decisions`)
        .set(auth())
        .send({ decisions: [{ sku: 'HAT-NONE', choice: 'cancel_line' }] })
        .expect(200);
      const ready = await waitFor(id, (o) => o.status === 'ready_to_fulfill');
      expect(ready.lines.map((l: any) => l.sku)).toEqual(['SOCK-1']);
      expect(ready.payment.amount).toBe(2 * 500 + 495);
      expect(ready.timeline.find((t: any) => t.type === 'payment_adjusted').detail).toContain(`${2 * 500 + 2500 + 495} → ${2 * 500 + 495}`);

      const lonely = await place('SH-5', [{ sku: 'HAT-NONE', quantity: 1, unitPrice: 2500 }]);
      await waitFor(lonely, shortHold);
      await api()
        .post(`/v1/orders/${lonely}/decisions`)
        .set(auth())
        .send({ decisions: [{ sku: 'HAT-NONE', choice: 'cancel_line' }] })
        .expect(200);
      await waitFor(lonely, (o) => o.status === 'cancelled');
    });
  });
}
