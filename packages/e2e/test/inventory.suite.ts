import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import request from 'supertest';
import { eventually, sampleOrder } from '@oms/testing';
import { importStock } from '../../cli/src/import-stock';
import type { Cluster } from './cluster';

/** Locations, the ledger and sourcing, through the gateway's public API only. */
export function inventorySuite(shared: () => Cluster): void {
  describe('inventory through the gateway', () => {
    let cluster: Cluster;
    const api = () => request(cluster.gatewayUrl);
    const auth = () => ({ Authorization: `Bearer ${cluster.apiKey}` });
    const stock = async (sku: string) => (await api().get(`/v1/inventory/${sku}`).set(auth()).expect(200)).body;

    beforeAll(async () => {
      cluster = shared();
      await api().put('/v1/channels/us-shop').set(auth()).send({ name: 'US shop', type: 'web', defaultCurrency: 'USD' }).expect(201);
      // New York and Los Angeles warehouses, and a store in Chicago that serves pickups but does not ship.
      const at = (city: string, postalCode: string, lat: number, lon: number) => ({ city, postalCode, country: 'US', lat, lon });
      await api()
        .put('/v1/locations/nyc')
        .set(auth())
        .send({ name: 'New York', type: 'warehouse', address: at('New York', '10001', 40.75, -73.99), handlingCost: 300 })
        .expect(200);
      await api()
        .put('/v1/locations/lax')
        .set(auth())
        .send({ name: 'Los Angeles', type: 'warehouse', address: at('Los Angeles', '90012', 34.06, -118.24), handlingCost: 300 })
        .expect(200);
      await api()
        .put('/v1/locations/chi')
        .set(auth())
        .send({ name: 'Chicago store', type: 'store', canShip: false, address: at('Chicago', '60601', 41.89, -87.62) })
        .expect(200);
    }, 120000);

    it('when locations are put, then they read back with their address, flags, cost and priority', async () => {
      const chi = (await api().get('/v1/locations/chi').set(auth()).expect(200)).body;
      expect(chi).toMatchObject({
        id: 'chi',
        type: 'store',
        canShip: false,
        canPickup: true,
        priority: 100,
        handlingCost: 0,
        active: true,
        address: { city: 'Chicago', lat: 41.89 },
      });
      const all = (await api().get('/v1/locations').set(auth()).expect(200)).body.locations.map((l: { id: string }) => l.id);
      expect(all).toEqual(expect.arrayContaining(['chi', 'lax', 'nyc']));
      await api().get('/v1/locations/nowhere').set(auth()).expect(404);
      const bad = await api()
        .put('/v1/locations/bad')
        .set(auth())
        .send({ name: 'Bad', type: 'warehouse', address: { country: 'US', lat: 123, lon: 0 }, priority: 0 })
        .expect(422);
      expect(bad.body.errors.map((e: { path: string }) => e.path)).toEqual(expect.arrayContaining(['address.lat', 'priority']));
    });

    it('when stock is received, counted and transferred, then the ledger books each change and on hand follows', async () => {
      await api()
        .post('/v1/inventory/movements')
        .set(auth())
        .send({ sku: 'CAP-1', locationId: 'nyc', quantity: 10, type: 'receipt', reference: 'PO-77' })
        .expect(201);
      // A count books the difference to what was counted; a transfer leaves one location and enters another.
      const counted = await api()
        .post('/v1/inventory/movements')
        .set(auth())
        .send({ sku: 'CAP-1', locationId: 'nyc', quantity: 8, type: 'count', reason: 'cycle count' })
        .expect(201);
      expect(counted.body.movements).toEqual([expect.objectContaining({ type: 'count', quantity: -2, counted: 8 })]);
      const moved = await api()
        .post('/v1/inventory/movements')
        .set(auth())
        .send({ sku: 'CAP-1', locationId: 'nyc', toLocationId: 'lax', quantity: 3, type: 'transfer' })
        .expect(201);
      expect(moved.body.movements).toEqual([
        expect.objectContaining({ type: 'transfer', locationId: 'nyc', quantity: -3 }),
        expect.objectContaining({ type: 'transfer', locationId: 'lax', quantity: 3 }),
      ]);
      expect(await stock('CAP-1')).toMatchObject({
        onHand: 8,
        locations: [expect.objectContaining({ locationId: 'lax', onHand: 3 }), expect.objectContaining({ locationId: 'nyc', onHand: 5 })],
      });
      const ledger = (await api().get('/v1/inventory/CAP-1/movements').set(auth()).expect(200)).body.movements;
      expect(ledger).toHaveLength(4);
      expect(ledger.reduce((s: number, m: { quantity: number }) => s + m.quantity, 0)).toBe(8);

      // Transfers need a real destination; taking more than is there is refused, naming the field.
      const noDestination = await api()
        .post('/v1/inventory/movements')
        .set(auth())
        .send({ sku: 'CAP-1', locationId: 'nyc', quantity: 1, type: 'transfer' })
        .expect(422);
      expect(noDestination.body.errors).toEqual([expect.objectContaining({ path: 'movements.0.toLocationId' })]);
      const tooMuch = await api()
        .post('/v1/inventory/movements')
        .set(auth())
        .send({ sku: 'CAP-1', locationId: 'lax', quantity: -4, type: 'write_off' })
        .expect(422);
      expect(tooMuch.body.errors).toEqual([expect.objectContaining({ path: 'movements.0.quantity' })]);
      expect(await stock('CAP-1')).toMatchObject({ onHand: 8 });
    });

    it('when an order ships to Los Angeles and both warehouses hold the item, then it is reserved in Los Angeles and the timeline says why', async () => {
      await api()
        .post('/v1/inventory/movements')
        .set(auth())
        .send({
          movements: [
            { sku: 'MUG-1', locationId: 'nyc', quantity: 5, type: 'receipt' },
            { sku: 'MUG-1', locationId: 'lax', quantity: 5, type: 'receipt' },
          ],
        })
        .expect(201);
      const order = sampleOrder({
        channel: 'us-shop',
        externalId: 'US-1',
        currency: 'USD',
        shippingAddress: { name: 'Sam Lee', line1: '200 N Spring St', postalCode: '90012', city: 'Los Angeles', region: 'CA', country: 'US' },
        lines: [{ sku: 'MUG-1', quantity: 2, unitPrice: 1200 }],
      });
      const placed = await api().post('/v1/orders').set(auth()).send(order).expect(202);
      const timeline = await eventually(async () => {
        const entries = (await api().get(`/v1/orders/${placed.body.id}/timeline`).set(auth()).expect(200)).body.timeline ?? [];
        return entries.find((e: { type: string }) => e.type === 'stock_reserved') && entries;
      }, 30000);
      const reserved = timeline.find((e: { type: string }) => e.type === 'stock_reserved');
      expect(reserved.detail).toContain('reserved at lax');
      expect(reserved.detail).toMatch(/one shipment from lax \(\d+ km\)/);
      expect(await stock('MUG-1')).toMatchObject({
        locations: [expect.objectContaining({ locationId: 'lax', reserved: 2 }), expect.objectContaining({ locationId: 'nyc', reserved: 0 })],
      });
    });

    it('when a pickup order names the Chicago store, then stock is reserved there only, even though the store does not ship', async () => {
      await api()
        .post('/v1/inventory/movements')
        .set(auth())
        .send({
          movements: [
            { sku: 'BAG-1', locationId: 'chi', quantity: 1, type: 'receipt' },
            { sku: 'BAG-1', locationId: 'nyc', quantity: 9, type: 'receipt' },
          ],
        })
        .expect(201);
      const order = sampleOrder({
        channel: 'us-shop',
        externalId: 'US-2',
        currency: 'USD',
        shippingAddress: { name: 'Kim Ray', line1: '233 S Wacker Dr', postalCode: '60606', city: 'Chicago', region: 'IL', country: 'US' },
        lines: [{ sku: 'BAG-1', quantity: 1, unitPrice: 5000 }],
        shipping: { method: 'pickup', price: 0, pickupLocationId: 'chi' },
      });
      const placed = await api().post('/v1/orders').set(auth()).send(order).expect(202);
      await eventually(async () => (await stock('BAG-1')).reserved === 1, 30000);
      expect(await stock('BAG-1')).toMatchObject({
        locations: [expect.objectContaining({ locationId: 'chi', reserved: 1 }), expect.objectContaining({ locationId: 'nyc', reserved: 0 })],
      });
      // Inventory answers before ingestion has recorded its report on the timeline: wait for the entry.
      const reserved = await eventually(async () => {
        const entries = (await api().get(`/v1/orders/${placed.body.id}/timeline`).set(auth()).expect(200)).body.timeline ?? [];
        return entries.find((e: { type: string }) => e.type === 'stock_reserved');
      }, 30000);
      expect(reserved.detail).toContain('pickup at chi');
    });

    it('when ops set levels, settings and expected receipts, then planning reads them back: below reorder point, replenishment, forecast', async () => {
      await api().post('/v1/inventory/movements').set(auth()).send({ sku: 'PLAN-1', locationId: 'nyc', quantity: 6, type: 'receipt' }).expect(201);
      expect((await api().put('/v1/inventory/PLAN-1/locations/nyc').set(auth()).send({ safetyStock: 1, reorderPoint: 8 }).expect(200)).body).toEqual({
        sku: 'PLAN-1',
        locationId: 'nyc',
        safetyStock: 1,
        reorderPoint: 8,
      });
      await api()
        .put('/v1/inventory/PLAN-1/settings')
        .set(auth())
        .send({ leadTimeDays: 12, substitutes: ['PLAN-2'] })
        .expect(200);
      await api()
        .post('/v1/inventory/incoming')
        .set(auth())
        .send({ sku: 'PLAN-1', locationId: 'lax', quantity: 20, expectedAt: '2026-12-24', reference: 'PO-1224' })
        .expect(201);
      const bad = await api()
        .post('/v1/inventory/incoming')
        .set(auth())
        .send({ sku: 'PLAN-1', locationId: 'lax', quantity: 0, expectedAt: 'soon', reference: 'PO-X' })
        .expect(422);
      expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['expectedAt', 'quantity']);

      expect(await stock('PLAN-1')).toMatchObject({
        onHand: 6,
        safetyStock: 1,
        available: 5,
        leadTimeDays: 12,
        substitutes: ['PLAN-2'],
        incoming: [expect.objectContaining({ locationId: 'lax', quantity: 20, expectedAt: '2026-12-24', reference: 'PO-1224' })],
        locations: [expect.objectContaining({ locationId: 'nyc', reorderPoint: 8 })],
      });
      const below = (await api().get('/v1/inventory?belowReorderPoint=true').set(auth()).expect(200)).body.items;
      expect(below).toContainEqual(expect.objectContaining({ sku: 'PLAN-1', locationId: 'nyc', available: 5, reorderPoint: 8 }));
      const plan = (await api().get('/v1/inventory/replenishment?sku=PLAN-1').set(auth()).expect(200)).body;
      expect(plan.items).toEqual([expect.objectContaining({ sku: 'PLAN-1', leadTimeDays: 12, incoming: 20, position: 26, suggestedQuantity: 0 })]);
      const forecastLines = (await api().get('/v1/inventory/forecast?sku=PLAN-1&days=14').set(auth()).expect(200)).body;
      expect(forecastLines).toMatchObject({ days: 14, items: [{ sku: 'PLAN-1', velocityPerDay: 0, daysOfCover: null, runsOutOn: null }] });
      await api().get('/v1/inventory/forecast?days=9999').set(auth()).expect(422);
    });

    it('when a stock file is imported (API and `oms import stock`), then counts set on hand, every bad row is listed with its reason, and a re-upload changes nothing', async () => {
      const rows = Array.from({ length: 1200 }, (_, i) => `IMP-${i},nyc,${i % 7}`);
      const csv =
        ['sku,locationId,quantity,type,reference', ...rows, 'IMP-X,nowhere,5', 'IMP-Y,nyc,many', 'IMP-Z,nyc,3,receipt,PO-Z', 'IMP-Z,nyc,-9,write_off'].join(
          '\n',
        ) + '\n';
      const first = await api().post('/v1/inventory/import').set(auth()).set('Content-Type', 'text/csv').send(csv).expect(200);
      expect(first.body).toMatchObject({ lines: 1204, booked: 1201, rejected: 3, rejectedRowsTruncated: false });
      expect(first.body.rows).toEqual([
        { line: 1202, sku: 'IMP-X', reason: 'locationId: location nowhere does not exist' },
        { line: 1203, sku: 'IMP-Y', reason: expect.stringContaining('quantity') },
        // Refused by the inventory service itself: it would take on hand below zero.
        { line: 1205, sku: 'IMP-Z', reason: expect.stringContaining('below the 0 reserved') },
      ]);
      expect(await stock('IMP-6')).toMatchObject({ onHand: 6 });
      expect(await stock('IMP-Z')).toMatchObject({ onHand: 3 });

      // The same counts again through the command line: on hand stays as counted.
      const file = join(mkdtempSync(join(tmpdir(), 'oms-stock-')), 'stock.csv');
      writeFileSync(file, ['sku,locationId,quantity', ...rows.slice(0, 10)].join('\n') + '\n');
      const out = new PassThrough();
      let printed = '';
      out.on('data', (c) => (printed += c));
      const code = await importStock(file, { url: cluster.gatewayUrl, key: cluster.apiKey, progress: false, out, err: new PassThrough() });
      expect(code).toBe(0);
      expect(printed).toContain('lines 10: booked 10, rejected 0');
      expect(await stock('IMP-6')).toMatchObject({ onHand: 6 });

      const badHeader = await api().post('/v1/inventory/import').set(auth()).set('Content-Type', 'text/csv').send('sku,where,quantity\nA,nyc,1\n').expect(422);
      expect(badHeader.body.errors.map((e: { message: string }) => e.message)).toEqual([
        'missing column locationId',
        expect.stringContaining('unknown column where'),
      ]);
      await api().post('/v1/inventory/import').set(auth()).set('Content-Type', 'application/json').send({}).expect(415);
    });

    it('when the warehouse finds articles missing on the shelf, then the count is corrected there and the missing units ship from another location; with none elsewhere the order is held', async () => {
      const nyOrder = (externalId: string, sku: string, quantity: number) =>
        sampleOrder({
          channel: 'us-shop',
          externalId,
          currency: 'USD',
          shippingAddress: { name: 'Ana Ruiz', line1: '350 5th Ave', postalCode: '10001', city: 'New York', region: 'NY', country: 'US' },
          lines: [{ sku, quantity, unitPrice: 1000 }],
        });
      const fulfillmentsOf = async (orderId: string) => (await api().get(`/v1/fulfillments?orderId=${orderId}`).set(auth()).expect(200)).body as any[];
      const orderOf = async (orderId: string) => (await api().get(`/v1/orders/${orderId}`).set(auth()).expect(200)).body;
      await api()
        .post('/v1/inventory/movements')
        .set(auth())
        .send({
          movements: [
            { sku: 'SP-1', locationId: 'nyc', quantity: 3, type: 'receipt' },
            { sku: 'SP-1', locationId: 'lax', quantity: 5, type: 'receipt' },
            { sku: 'SP-2', locationId: 'nyc', quantity: 2, type: 'receipt' },
          ],
        })
        .expect(201);

      const id = (
        await api()
          .post('/v1/orders')
          .set(auth())
          .send(nyOrder('US-SP-1', 'SP-1', 3))
          .expect(202)
      ).body.id;
      const [atNyc] = (await eventually(async () => {
        const list = await fulfillmentsOf(id);
        return list.length === 1 && list;
      }, 30000)) as any[];
      expect(atNyc).toMatchObject({ locationId: 'nyc', status: 'open', lines: [{ sku: 'SP-1', quantity: 3 }] });

      // Reports that do not fit the fulfillment are refused, naming the field.
      const tooMany = await api()
        .post(`/v1/fulfillments/${atNyc.id}/short-pick`)
        .set(auth())
        .send({ lines: [{ sku: 'SP-1', missing: 4 }] })
        .expect(422);
      expect(tooMany.body.errors).toEqual([expect.objectContaining({ path: 'lines.0.missing' })]);
      await api()
        .post(`/v1/fulfillments/${atNyc.id}/short-pick`)
        .set(auth())
        .send({ lines: [{ sku: 'NOT-HERE', missing: 1 }] })
        .expect(422);

      const reported = await api()
        .post(`/v1/fulfillments/${atNyc.id}/short-pick`)
        .set(auth())
        .send({ lines: [{ sku: 'SP-1', missing: 2 }] })
        .expect(200);
      expect(reported.body).toMatchObject({ status: 'open', lines: [{ sku: 'SP-1', quantity: 1 }] });
      const both = (await eventually(async () => {
        const list = await fulfillmentsOf(id);
        return list.length === 2 && list;
      }, 30000)) as any[];
      expect(both.find((f: any) => f.locationId === 'lax')).toMatchObject({ status: 'open', lines: [{ sku: 'SP-1', quantity: 2 }] });
      expect(await stock('SP-1')).toMatchObject({
        locations: [
          expect.objectContaining({ locationId: 'lax', onHand: 5, reserved: 2 }),
          expect.objectContaining({ locationId: 'nyc', onHand: 1, reserved: 1 }),
        ],
      });
      const ledger = (await api().get('/v1/inventory/SP-1/movements').set(auth()).expect(200)).body.movements;
      expect(ledger).toContainEqual(
        expect.objectContaining({ locationId: 'nyc', type: 'adjustment', quantity: -2, reason: 'short pick: missing on the shelf' }),
      );
      const timeline = (await orderOf(id)).timeline.map((t: any) => t.type);
      expect(timeline).toEqual(expect.arrayContaining(['short_pick', 'stock_reallocated']));

      // Both parcels packed: the order is packed and both locations' stock leaves.
      for (const f of both) await api().post(`/v1/fulfillments/${f.id}/pack`).set(auth()).expect(200);
      await eventually(async () => (await orderOf(id)).status === 'packed' || (await orderOf(id)).status === 'shipped', 30000);
      await eventually(async () => {
        const s = await stock('SP-1');
        return s.onHand === 3 && s.reserved === 0;
      }, 30000);

      // Nowhere else to take it from: the order is held, and the count is still corrected.
      const second = (
        await api()
          .post('/v1/orders')
          .set(auth())
          .send(nyOrder('US-SP-2', 'SP-2', 2))
          .expect(202)
      ).body.id;
      const [only] = (await eventually(async () => {
        const list = await fulfillmentsOf(second);
        return list.length === 1 && list;
      }, 30000)) as any[];
      await api()
        .post(`/v1/fulfillments/${only.id}/short-pick`)
        .set(auth())
        .send({ lines: [{ sku: 'SP-2', missing: 1 }] })
        .expect(200);
      const held = await eventually(async () => {
        const o = await orderOf(second);
        return o.status === 'on_hold' && o;
      }, 30000);
      expect(held.holds).toEqual([
        expect.objectContaining({
          reason: 'customer_decision',
          detail: expect.stringContaining('1 × SP-2 missing'),
          missing: [{ sku: 'SP-2', missing: 1 }],
          options: [expect.objectContaining({ sku: 'SP-2', canCancelLine: true })],
        }),
      ]);
      expect(await stock('SP-2')).toMatchObject({ onHand: 1, reserved: 1 });
    });

    it('when a channel key touches inventory, then it is refused: stock and locations are for ops', async () => {
      const created = await api()
        .post('/v1/api-keys')
        .set(auth())
        .send({ name: 'US shop key', roles: ['channel:us-shop'] })
        .expect(201);
      const channelKey = { Authorization: `Bearer ${created.body.key}` };
      await api().get('/v1/inventory/MUG-1').set(channelKey).expect(403);
      await api().get('/v1/locations').set(channelKey).expect(403);
      await api().post('/v1/inventory/movements').set(channelKey).send({ sku: 'MUG-1', locationId: 'nyc', quantity: 100, type: 'receipt' }).expect(403);
      await api().put('/v1/locations/nyc').set(channelKey).send({ name: 'Mine now', type: 'warehouse' }).expect(403);
      await api().post('/v1/inventory/import').set(channelKey).set('Content-Type', 'text/csv').send('sku,locationId,quantity\nMUG-1,nyc,999\n').expect(403);
      expect((await api().get('/v1/locations/nyc').set(auth()).expect(200)).body.name).toBe('New York');
    });
  });
}
