import request from 'supertest';
import { eventually, sampleOrder } from '@oms/testing';
import type { Cluster } from './cluster';

/** Fraud screening through the gateway's public API: review then approve, review then reject, blocklist. */
export function fraudSuite(shared: () => Cluster): void {
  describe('fraud screening through the gateway', () => {
    let cluster: Cluster;
    const channel = 'fraud-shop';
    const sku = 'FRAUD-MUG';
    const api = () => request(cluster.gatewayUrl);
    const auth = () => ({ Authorization: `Bearer ${cluster.apiKey}` });
    let n = 0;
    /** Each order its own customer (the cluster's rules have velocity off; history counts per email). */
    const order = (overrides: Parameters<typeof sampleOrder>[0] = {}) => {
      n++;
      return sampleOrder({
        channel,
        externalId: `FR-${Date.now()}-${n}`,
        customer: { email: `kunde-${Date.now()}-${n}@example.de`, name: 'Kim Kunde' },
        lines: [{ sku, quantity: 1, unitPrice: 2500 }],
        ...overrides,
      });
    };
    /** Disposable email (+40) and a billing address in another country (+20): 60, over the review threshold of 50. */
    const suspicious = () => {
      const o = order();
      return {
        ...o,
        customer: { ...o.customer, email: `kunde-${Date.now()}-${n}@mailinator.com` },
        billingAddress: { ...o.shippingAddress, postalCode: '1012 AB', city: 'Amsterdam', country: 'NL' },
      };
    };
    const place = async (body: object) => (await api().post('/v1/orders').set(auth()).send(body).expect(202)).body.id as string;
    const getOrder = async (id: string) => (await api().get(`/v1/orders/${id}`).set(auth()).expect(200)).body;
    const waitFor = (id: string, ok: (o: any) => boolean) =>
      eventually(async () => {
        const o = await getOrder(id);
        return ok(o) && o;
      }, 30000);
    const available = async () => (await api().get(`/v1/inventory/${sku}`).set(auth()).expect(200)).body.available;

    beforeAll(async () => {
      cluster = shared();
      await api().put(`/v1/channels/${channel}`).set(auth()).send({ name: 'Fraud test shop', type: 'web', defaultCurrency: 'EUR' }).expect(201);
      await api().put('/v1/locations/fraud-wh').set(auth()).send({ name: 'Fraud test warehouse', type: 'warehouse' }).expect(200);
      await api().post('/v1/inventory/movements').set(auth()).send({ sku, locationId: 'fraud-wh', quantity: 50, type: 'receipt' }).expect(201);
    }, 60000);

    it('when ops read the rules, then every rule shows with its weight; rules that do not fit are refused with 422 and the rules stay', async () => {
      const { body } = await api().get('/v1/fraud/rules').set(auth()).expect(200);
      expect(body.rules).toMatchObject({ reviewAt: 50, rejectAt: 100, disposableEmail: { enabled: true, weight: 40 }, velocity: { enabled: false } });
      const bad = await api()
        .put('/v1/fraud/rules')
        .set(auth())
        .send({ ...body.rules, reviewAt: 150 })
        .expect(422);
      expect(bad.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(JSON.stringify(bad.body.errors)).toMatch(/reviewAt must be below rejectAt/);
      await api()
        .put('/v1/fraud/rules')
        .set(auth())
        .send({ ...body.rules, mystery: { enabled: true, weight: 5 } })
        .expect(422);
      expect((await api().get('/v1/fraud/rules').set(auth()).expect(200)).body.rules).toEqual(body.rules);
    });

    it('when a suspicious order is placed, then it is held for review; released by ops, it goes to the warehouse and the timeline says who approved', async () => {
      const id = await place(suspicious());
      const held = await waitFor(id, (o) => o.status === 'on_hold');
      expect(held.holds).toEqual([
        expect.objectContaining({
          reason: 'payment_review',
          score: 60,
          reasons: [expect.stringMatching(/^disposable email domain/), expect.stringMatching(/^billing country NL/)],
        }),
      ]);
      expect(held.payment.status).toBe('in_review');

      await api().post(`/v1/orders/${id}/holds/payment_review/release`).set(auth()).send({ note: 'called the customer' }).expect(200);
      const ready = await waitFor(id, (o) => o.status === 'ready_to_fulfill');
      expect(ready.payment.status).toBe('authorized');
      expect(ready.timeline).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ type: 'hold_released', detail: 'payment_review: called the customer', actor: expect.any(String) }),
          expect.objectContaining({ type: 'payment_approved', detail: expect.stringMatching(/fraud score 60 .*; approved in review by /) }),
        ]),
      );
    });

    it('when ops reject a reviewed order, then it is rejected with their note, its stock is released and its authorization voided', async () => {
      const before = await available();
      const id = await place(suspicious());
      await waitFor(id, (o) => o.status === 'on_hold' && o.checks.stock === 'reserved');
      expect(await available()).toBe(before - 1);

      const rejected = await api().post(`/v1/orders/${id}/reject`).set(auth()).send({ note: 'card reported stolen' }).expect(200);
      expect(rejected.body.status).toBe('rejected');
      await eventually(async () => (await available()) === before);
      const after = await waitFor(id, (o) => o.payment.status === 'declined');
      expect(after.timeline).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'review_rejected', detail: 'card reported stolen' })]));
      const [payment] = (await api().get(`/v1/payments?orderId=${id}`).set(auth()).expect(200)).body;
      expect(payment).toMatchObject({ status: 'declined', voidedAt: expect.any(String), review: { decision: 'reject', note: 'card reported stolen' } });
      // Not in review any more: a second rejection is a repeat, a release is refused.
      await api().post(`/v1/orders/${id}/reject`).set(auth()).send({}).expect(200);
      await api().post(`/v1/orders/${id}/holds/payment_review/release`).set(auth()).send({}).expect(409);
    });

    it('when an order is not held for review, then rejecting it is refused with 409', async () => {
      const id = await place(order());
      await waitFor(id, (o) => o.status === 'ready_to_fulfill');
      const res = await api().post(`/v1/orders/${id}/reject`).set(auth()).send({}).expect(409);
      expect(res.body.detail).toMatch(/^Only an order held for a payment review can be rejected; this one is ready_to_fulfill/);
    });

    it('when the customer’s email is blocklisted, then their order is rejected at once; taken off the list, the next one goes through', async () => {
      const o = order();
      const email = o.customer.email;
      const put = await api()
        .put(`/v1/fraud/blocklist/email/${encodeURIComponent(email.toUpperCase())}`)
        .set(auth())
        .send({ reason: 'chargebacks' })
        .expect(200);
      expect(put.body).toMatchObject({ kind: 'email', value: email, reason: 'chargebacks' });
      await api()
        .get(`/v1/fraud/blocklist/email/${encodeURIComponent(email)}`)
        .set(auth())
        .expect(200);
      const page = (await api().get('/v1/fraud/blocklist?kind=email&limit=500').set(auth()).expect(200)).body;
      expect(page.items.map((i: { value: string }) => i.value)).toContain(email);

      const id = await place(o);
      const rejected = await waitFor(id, (x) => x.status === 'rejected');
      expect(rejected.payment.status).toBe('declined');
      expect(rejected.timeline).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ type: 'payment_declined', detail: expect.stringMatching(/^rejected by fraud screening: score 100; blocklisted email/) }),
        ]),
      );

      await api()
        .delete(`/v1/fraud/blocklist/email/${encodeURIComponent(email)}`)
        .set(auth())
        .expect(200);
      await api()
        .delete(`/v1/fraud/blocklist/email/${encodeURIComponent(email)}`)
        .set(auth())
        .expect(404);
      const next = await place({ ...order(), customer: o.customer });
      await waitFor(next, (x) => x.status === 'ready_to_fulfill');
    });

    it('when a blocklist entry is malformed, then it is refused with 422', async () => {
      await api().put('/v1/fraud/blocklist/address/Berlin').set(auth()).send({}).expect(422);
      const kind = await api().put('/v1/fraud/blocklist/card/1234').set(auth()).send({}).expect(422);
      expect(kind.body.errors).toEqual([expect.objectContaining({ path: 'kind' })]);
      await api().put('/v1/fraud/blocklist/ip/..').set(auth()).send({}).expect(400);
    });
  });
}
