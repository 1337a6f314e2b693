import request from 'supertest';
import { eventually, sampleOrder } from '@oms/testing';
import type { Cluster } from './cluster';

/** The address check through the gateway: an undeliverable address holds the order until PATCH fixes it. */
export function addressSuite(shared: () => Cluster): void {
  describe('address and deliverability through the gateway', () => {
    let cluster: Cluster;
    const channel = 'address-shop';
    const sku = 'ADDR-LAMP';
    const api = () => request(cluster.gatewayUrl);
    const auth = () => ({ Authorization: `Bearer ${cluster.apiKey}` });
    let n = 0;
    const order = (overrides: Parameters<typeof sampleOrder>[0] = {}) =>
      sampleOrder({
        channel,
        externalId: `AD-${Date.now()}-${++n}`,
        customer: { email: `adresse-${Date.now()}-${n}@example.de`, name: 'Kim Kunde' },
        lines: [{ sku, quantity: 1, unitPrice: 3000 }],
        ...overrides,
      });
    const place = async (body: object) => (await api().post('/v1/orders').set(auth()).send(body).expect(202)).body.id as string;
    const getOrder = async (id: string) => (await api().get(`/v1/orders/${id}`).set(auth()).expect(200)).body;
    const waitFor = (id: string, ok: (o: any) => boolean) =>
      eventually(async () => {
        const o = await getOrder(id);
        return ok(o) && o;
      }, 30000);

    beforeAll(async () => {
      cluster = shared();
      await api().put(`/v1/channels/${channel}`).set(auth()).send({ name: 'Address test shop', type: 'web', defaultCurrency: 'EUR' }).expect(201);
      await api().put('/v1/locations/address-wh').set(auth()).send({ name: 'Address test warehouse', type: 'warehouse' }).expect(200);
      await api().post('/v1/inventory/movements').set(auth()).send({ sku, locationId: 'address-wh', quantity: 20, type: 'receipt' }).expect(201);
    }, 60000);

    it('when the postal code belongs to another city, then the order is held address_invalid with a suggestion; PATCH with the right city sends it on', async () => {
      const body = order({ shippingAddress: { name: 'Kim Kunde', line1: 'Mönckebergstraße 7', postalCode: '10115', city: 'Hamburg', country: 'DE' } });
      const id = await place(body);
      const held = await waitFor(id, (o) => o.status === 'on_hold' && o.checks.stock === 'reserved' && o.checks.payment === 'approved');
      expect(held.holds).toEqual([
        expect.objectContaining({
          reason: 'address_invalid',
          detail: 'postal code 10115 is Berlin, not Hamburg',
          suggestion: { city: 'Berlin', postalCodes: expect.arrayContaining(['20095']) },
        }),
      ]);
      expect(held.timeline).toEqual(
        expect.arrayContaining([expect.objectContaining({ type: 'address_checked', detail: expect.stringMatching(/^not deliverable: /) })]),
      );

      await api()
        .patch(`/v1/orders/${id}`)
        .set(auth())
        .send({ shippingAddress: { ...body.shippingAddress, postalCode: '20095' } })
        .expect((res) => expect([200, 202]).toContain(res.status));
      const ready = await waitFor(id, (o) => o.status === 'ready_to_fulfill');
      expect(ready.holds).toEqual([]);
      expect(ready.shippingAddress).toMatchObject({ postalCode: '20095', city: 'Hamburg' });
    });

    it('when express is ordered to Sylt, then the order is held; releasing the hold (ops override) sends it on', async () => {
      const id = await place(
        order({
          shippingAddress: { name: 'Kim Kunde', line1: 'Strandstraße 1', postalCode: '25980', city: 'Westerland', country: 'DE' },
          shipping: { method: 'express', price: 1495 },
        }),
      );
      const held = await waitFor(id, (o) => o.status === 'on_hold' && o.checks.payment === 'approved');
      expect(held.holds[0]).toMatchObject({ reason: 'address_invalid', detail: 'shipping method express does not deliver to 25980 (Sylt)' });
      await api().post(`/v1/orders/${id}/holds/address_invalid/release`).set(auth()).send({ note: 'customer agreed to standard' }).expect(200);
      await waitFor(id, (o) => o.status === 'ready_to_fulfill');
    });

    it('when a PATCH brings another undeliverable address, then the hold is renewed with the new reason', async () => {
      const id = await place(
        order({
          shippingAddress: { name: 'Kim Kunde', line1: 'Postfach 10 20 30', postalCode: '10115', city: 'Berlin', country: 'DE' },
          shipping: { method: 'express', price: 1495 },
        }),
      );
      const held = await waitFor(id, (o) => o.status === 'on_hold');
      expect(held.holds[0].detail).toBe('shipping method express does not deliver to PO boxes or parcel stations');
      await api()
        .patch(`/v1/orders/${id}`)
        .set(auth())
        .send({ shippingAddress: { name: 'Kim Kunde', line1: 'Hauptstraße 1', postalCode: '10115', city: 'München', country: 'DE' } })
        .expect((res) => expect([200, 202]).toContain(res.status));
      const renewed = await waitFor(id, (o) => o.holds[0]?.detail?.startsWith('postal code 10115 is Berlin'));
      expect(renewed.status).toBe('on_hold');
      expect(renewed.holds).toHaveLength(1);
    });
  });
}
