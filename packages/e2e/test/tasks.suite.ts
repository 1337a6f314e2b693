import request from 'supertest';
import { eventually, sampleOrder } from '@oms/testing';
import type { Cluster } from './cluster';

/** Trigger rules and tasks through the gateway: the pack task of a paid order, a red flag, the inbox, claim and complete. */
export function tasksSuite(shared: () => Cluster): void {
  describe('trigger rules and tasks', () => {
    let cluster: Cluster;
    const api = () => request(cluster.gatewayUrl);
    const ops = () => ({ Authorization: `Bearer ${cluster.apiKey}` });
    /** Its own channel, location and SKU: the suites of shared-cluster.test.ts share one cluster. */
    const channel = 'tasks-shop';
    const location = 'tasks-wh';
    let staff: { Authorization: string };
    let otherStaff: { Authorization: string };
    let channelKey: { Authorization: string };
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
    const waitForStatus = (id: string, status: string) =>
      eventually(async () => (await api().get(`/v1/orders/${id}`).set(ops()).expect(200)).body.status === status, 30000);
    const place = async (externalId: string) => {
      const id = (
        await api()
          .post('/v1/orders')
          .set(ops())
          .send(sampleOrder({ channel, externalId, lines: [{ sku: 'TASK-MUG', quantity: 1, unitPrice: 1500 }] }))
          .expect(202)
      ).body.id as string;
      await waitForStatus(id, 'ready_to_fulfill');
      return id;
    };
    const tasksOf = async (orderId: string) => (await api().get(`/v1/orders/${orderId}/tasks`).set(ops()).expect(200)).body.items as any[];
    const fulfillmentOf = (orderId: string) => eventually(async () => (await api().get(`/v1/fulfillments?orderId=${orderId}`).set(ops()).expect(200)).body[0]);

    beforeAll(async () => {
      cluster = shared();
      await api().put(`/v1/channels/${channel}`).set(ops()).send({ name: 'Tasks shop', type: 'web', defaultCurrency: 'EUR' }).expect(201);
      await api().put(`/v1/locations/${location}`).set(ops()).send({ name: 'Tasks warehouse', type: 'warehouse' }).expect(200);
      await api().post('/v1/inventory/movements').set(ops()).send({ sku: 'TASK-MUG', locationId: location, quantity: 50, type: 'receipt' }).expect(201);
      staff = await keyFor(`location:${location}`);
      otherStaff = await keyFor('location:tasks-elsewhere');
      channelKey = await keyFor(`channel:${channel}`);
    }, 120000);

    it('when an order is paid and reserved, then its location’s staff find a pack task in their inbox, which packing closes by itself', async () => {
      const orderId = await place('TASK-1');
      const task = await eventually(async () => {
        const page = (await api().get(`/v1/tasks?assignee=location:${location}`).set(staff).expect(200)).body;
        return page.items.find((t: any) => t.orderId === orderId);
      }, 30000);
      expect(task).toMatchObject({ rule: 'pack-order', state: 'open', assignee: `location:${location}`, link: { kind: 'fulfillment' } });
      // Another location's staff neither list nor read it; a channel key has no inbox.
      expect((await api().get('/v1/tasks').set(otherStaff).expect(200)).body.items.map((t: any) => t.id)).not.toContain(task.id);
      await api().get(`/v1/tasks/${task.id}`).set(otherStaff).expect(404);
      await api().get('/v1/tasks').set(channelKey).expect(403);

      const f = await fulfillmentOf(orderId);
      await api().post(`/v1/fulfillments/${f.id}/pack`).set(staff).send({}).expect(200);
      const closed = await eventually(async () => {
        const t = (await api().get(`/v1/tasks/${task.id}`).set(staff).expect(200)).body;
        return t.state === 'done' && t;
      });
      expect(closed).toMatchObject({ closedBy: 'system', note: 'packed' });
    });

    it('when ops shorten the delivery rule and an order ships, then it is flagged red; a claimed task is completed with a note', async () => {
      const rules = (await api().get('/v1/rules').set(ops()).expect(200)).body.items;
      expect(rules.map((r: any) => r.id)).toEqual(expect.arrayContaining(['delivery-overdue', 'pack-order', 'stock-low', 'refund-failed']));
      const rule = await api().put('/v1/rules/delivery-overdue').set(ops()).send({ afterHours: 0.0005, emitEvent: true }).expect(200);
      expect(rule.body).toMatchObject({ id: 'delivery-overdue', afterHours: 0.0005, flagRed: true, defaults: { afterHours: 336 } });

      const orderId = await place('TASK-2');
      const f = await fulfillmentOf(orderId);
      await api().post(`/v1/fulfillments/${f.id}/pack`).set(staff).send({}).expect(200);
      await api().post(`/v1/fulfillments/${f.id}/hand-over`).set(staff).send({}).expect(200);
      await waitForStatus(orderId, 'shipped');
      const flag = await eventually(
        async () => (await api().get('/v1/red-flags').set(ops()).expect(200)).body.items.find((t: any) => t.orderId === orderId),
        30000,
      );
      expect(flag).toMatchObject({ rule: 'delivery-overdue', flagRed: true, state: 'open' });
      expect((await tasksOf(orderId)).map((t: any) => t.rule)).toEqual(['pack-order', 'delivery-overdue']);

      const claimed = await api().post(`/v1/tasks/${flag.id}/claim`).set(ops()).send({}).expect(200);
      expect(claimed.body).toMatchObject({ state: 'claimed', assignee: 'user:api-key:bootstrap' });
      await api().post(`/v1/tasks/${flag.id}/complete`).set(ops()).send({ note: '' }).expect(422);
      const done = await api().post(`/v1/tasks/${flag.id}/complete`).set(ops()).send({ note: 'Carrier says: delivered to a neighbour' }).expect(200);
      expect(done.body).toMatchObject({ state: 'done', note: 'Carrier says: delivered to a neighbour' });
      await api().post(`/v1/tasks/${flag.id}/complete`).set(ops()).send({ note: 'again' }).expect(409);
      expect((await api().get('/v1/red-flags').set(ops()).expect(200)).body.items.map((t: any) => t.id)).not.toContain(flag.id);
      await api().put('/v1/rules/delivery-overdue').set(ops()).send({ afterHours: 336, emitEvent: false }).expect(200);
    });

    it('when a rule is changed with bad settings or by a non-ops key, then it is refused and stays as it was', async () => {
      const bad = await api().put('/v1/rules/order-on-hold').set(ops()).send({ afterHours: -1, assignee: 'nobody', colour: 'red' }).expect(422);
      expect(bad.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(bad.body.errors.map((e: any) => e.path).sort()).toEqual(expect.arrayContaining(['afterHours', 'assignee']));
      await api().put('/v1/rules/no-such-rule').set(ops()).send({ enabled: false }).expect(404);
      await api().get('/v1/rules/no-such-rule').set(ops()).expect(404);
      await api().put('/v1/rules/order-on-hold').set(staff).send({ enabled: false }).expect(403);
      const rule = (await api().get('/v1/rules/order-on-hold').set(ops()).expect(200)).body;
      expect(rule).toMatchObject({ enabled: true, afterHours: 24, assignee: 'team:ops' });
      await api().get('/v1/tasks?due=someday').set(ops()).expect(422);
    });
  });
}
