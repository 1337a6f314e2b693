import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { decodeBarcodesInPdf, eventually, sampleOrder } from '@oms/testing';
import { startCluster, type Cluster } from './cluster';

/**
 * Carriers configured through the API (the dev stack's two tariffs), on a cluster of its own: once carriers
 * have tariffs every parcel is rate-shopped, which the shared cluster's suites (booked with the sandbox
 * carrier) must not see. Rate shopping, labels, a split order delivered parcel by parcel, scans out of order.
 */
describe('carriers, rate shopping and tracking', () => {
  let cluster: Cluster;
  const api = () => request(cluster.gatewayUrl);
  const auth = () => ({ Authorization: `Bearer ${cluster.apiKey}` });
  const channel = 'carrier-shop';
  const secrets: Record<string, string> = { paketdienst: 'paketdienst-secret-0123456789', kurier: 'kurier-secret-0123456789abc' };
  const getOrder = async (id: string) => (await api().get(`/v1/orders/${id}`).set(auth()).expect(200)).body;
  const waitFor = (id: string, test: (o: any) => boolean) =>
    eventually(async () => {
      const o = await getOrder(id);
      return test(o) && o;
    }, 30000);
  const place = async (externalId: string, lines: Array<{ sku: string; quantity: number }>, method = 'standard') => {
    const order = sampleOrder({ channel, externalId, lines: lines.map((l) => ({ ...l, unitPrice: 2000 })) });
    order.shipping.method = method;
    const id = (await api().post('/v1/orders').set(auth()).send(order).expect(202)).body.id as string;
    await waitFor(id, (o) => o.status === 'ready_to_fulfill' && o.fulfillments.length > 0 && o.fulfillments.every((f: any) => !f.id.startsWith('pending:')));
    return id;
  };
  const fulfillmentsOf = async (orderId: string) => (await api().get(`/v1/fulfillments?orderId=${orderId}`).set(auth()).expect(200)).body as any[];
  const shipmentsOf = (orderId: string, count: number) =>
    eventually(async () => {
      const list = (await api().get(`/v1/shipments?orderId=${orderId}`).set(auth()).expect(200)).body as any[];
      return list.length === count && list;
    }, 20000) as Promise<any[]>;
  const track = (carrierId: string, trackingNumber: string, status: string, occurredAt: string) => {
    const body = JSON.stringify({ trackingNumber, status, occurredAt });
    const t = Math.floor(Date.now() / 1000);
    const signature = `t=${t},v1=${createHmac('sha256', secrets[carrierId]).update(`${t}.${body}`).digest('hex')}`;
    return api().post(`/v1/carriers/${carrierId}/tracking`).set('Content-Type', 'application/json').set('OMS-Signature', signature).send(body).expect(200);
  };

  beforeAll(async () => {
    // Parcels returned to sender are shipped again here (the shared cluster's suites refund them).
    cluster = await startCluster({ env: { RETURNED_TO_SENDER_RESOLUTION: 'reship' } });
    await api().put(`/v1/channels/${channel}`).set(auth()).send({ name: 'Carrier shop', type: 'web', defaultCurrency: 'EUR' }).expect(201);
    const carriers = JSON.parse(readFileSync(path.join(__dirname, '../../../deploy/carriers/dev-carriers.json'), 'utf8')) as Array<{ id: string }>;
    for (const { id, ...settings } of carriers)
      await api()
        .put(`/v1/carriers/${id}`)
        .set(auth())
        .send({ ...settings, webhookSecret: secrets[id] })
        .expect(200);
    for (const id of ['cs-east', 'cs-west']) await api().put(`/v1/locations/${id}`).set(auth()).send({ name: id, type: 'warehouse' }).expect(200);
    for (const [sku, locationId] of [
      ['CS-LAMP', 'cs-east'],
      ['CS-SHADE', 'cs-west'],
      ['CS-CHAIR', 'cs-east'],
      ['CS-BATTERY', 'cs-east'],
    ])
      await api().post('/v1/inventory/movements').set(auth()).send({ sku, locationId, quantity: 50, type: 'receipt' }).expect(201);
  }, 180000);

  afterAll(async () => {
    await cluster?.stop();
  });

  it('when carriers are listed, then their tariffs show and their secrets never do', async () => {
    const list = (await api().get('/v1/carriers').set(auth()).expect(200)).body as any[];
    expect(list.map((c) => [c.id, c.kind, c.hasWebhookSecret])).toEqual(
      expect.arrayContaining([
        ['kurier', 'table', true],
        ['paketdienst', 'table', true],
      ]),
    );
    expect(JSON.stringify(list)).not.toContain(secrets.kurier);
    const bad = await api()
      .put('/v1/carriers/broken')
      .set(auth())
      .send({
        tariff: {
          currency: 'EUR',
          zones: [{ id: 'DE', countries: ['DE'] }],
          services: [{ id: 's', level: 'standard', transitDays: { XX: 1 }, prices: [{ zone: 'DE', upToGrams: 1000, price: 1 }], maxWeightGrams: 1000 }],
        },
      })
      .expect(422);
    expect(bad.body.errors).toEqual([expect.objectContaining({ path: 'tariff.services.0.transitDays.XX' })]);
  });

  it('when a standard and an express order are packed, then the cheaper carrier takes the standard parcel and the express service the express one; the label barcode reads back', async () => {
    const standard = await place('CS-1', [{ sku: 'CS-LAMP', quantity: 1 }]);
    const express = await place('CS-2', [{ sku: 'CS-LAMP', quantity: 1 }], 'express');
    for (const id of [standard, express]) {
      const [f] = await fulfillmentsOf(id);
      await api()
        .post(`/v1/fulfillments/${f.id}/pack`)
        .set(auth())
        .send({ parcels: [{ lines: [{ sku: 'CS-LAMP', quantity: 1 }], weightGrams: 1000 }] })
        .expect(200);
    }
    const [std] = await shipmentsOf(standard, 1);
    const [exp] = await shipmentsOf(express, 1);
    expect(std).toMatchObject({ carrierId: 'kurier', serviceId: 'classic', rate: { price: 476 } });
    expect(exp).toMatchObject({ carrierId: 'paketdienst', serviceId: 'express', rate: { level: 'express', price: 1559 } });
    const booked = (await waitFor(standard, (o) => o.timeline.some((t: any) => t.type === 'shipment_booked'))).timeline.find(
      (t: any) => t.type === 'shipment_booked',
    );
    expect(booked.detail).toContain('kurier/classic 4.76 EUR, 1 d');
    expect(booked.detail).toMatch(/considered: .*paketdienst\/paket 5.19 EUR, 2 d/);
    const label = await api()
      .get(`/v1/shipments/${exp.id}/label`)
      .set(auth())
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(await decodeBarcodesInPdf(label.body as Buffer)).toEqual([{ format: 'Code128', text: exp.trackingNumber }]);
  });

  it('when a parcel comes back to the sender (RETURNED_TO_SENDER_RESOLUTION=reship), then receiving it refunds nothing and a replacement at no charge goes out', async () => {
    const id = await place('CS-RTS', [{ sku: 'CS-LAMP', quantity: 1 }]);
    const [f] = await fulfillmentsOf(id);
    await api().post(`/v1/fulfillments/${f.id}/pack`).set(auth()).send({}).expect(200);
    const [parcel] = await shipmentsOf(id, 1);
    await track(parcel.carrierId, parcel.trackingNumber, 'in_transit', '2026-12-07T08:00:00.000Z');
    await track(parcel.carrierId, parcel.trackingNumber, 'returned_to_sender', '2026-12-09T10:00:00.000Z');
    const returned = await waitFor(id, (o) => o.status === 'returned' && o.returns.length === 1);
    const returnId = returned.returns[0].id as string;
    expect((await api().get(`/v1/returns/${returnId}`).set(auth()).expect(200)).body).toMatchObject({ status: 'requested', reship: true });
    await api()
      .post(`/v1/returns/${returnId}/receive`)
      .set(auth())
      .send({ locationId: 'cs-east', lines: [{ sku: 'CS-LAMP', quantity: 1, condition: 'resellable' }] })
      .expect(200);
    const reshipped = await waitFor(id, (o) => o.timeline.some((t: any) => t.type === 'reshipped'));
    expect((await api().get(`/v1/returns/${returnId}`).set(auth()).expect(200)).body).toMatchObject({ status: 'received', refundAmount: 0 });
    expect(reshipped.totals).toMatchObject({ refunded: 0 });
    expect(reshipped.timeline.map((t: any) => t.type)).not.toContain('refunded');

    // The replacement: same customer and address, the lamp at no charge, through the warehouse and the carrier again.
    const replacementId = /as order (\S+)/.exec(reshipped.timeline.find((t: any) => t.type === 'reshipped').detail)![1];
    const replacement = await waitFor(
      replacementId,
      (o) => o.status === 'ready_to_fulfill' && o.fulfillments.length > 0 && o.fulfillments.every((x: any) => !x.id.startsWith('pending:')),
    );
    expect(replacement).toMatchObject({
      channel,
      externalId: expect.stringMatching(/^CS-RTS-reship-/),
      shippingAddress: returned.shippingAddress,
      customer: { email: returned.customer.email },
      lines: [expect.objectContaining({ sku: 'CS-LAMP', quantity: 1, unitPrice: 0 })],
    });
    expect(replacement.totals).toMatchObject({ total: 0 });
    const [again] = await fulfillmentsOf(replacementId);
    await api().post(`/v1/fulfillments/${again.id}/pack`).set(auth()).send({}).expect(200);
    const [second] = await shipmentsOf(replacementId, 1);
    await track(second.carrierId, second.trackingNumber, 'delivered', '2026-12-11T12:00:00.000Z');
    await waitFor(replacementId, (o) => o.status === 'delivered');
  });

  it('when a split order ships from two locations, then it is partially delivered parcel by parcel, and late or repeated scans never move it back', async () => {
    const id = await place('CS-3', [
      { sku: 'CS-LAMP', quantity: 1 },
      { sku: 'CS-SHADE', quantity: 2 },
    ]);
    const fulfillments = await fulfillmentsOf(id);
    expect(fulfillments.map((f) => f.locationId).sort()).toEqual(['cs-east', 'cs-west']);
    for (const f of fulfillments) await api().post(`/v1/fulfillments/${f.id}/pack`).set(auth()).send({}).expect(200);
    const [first, second] = await shipmentsOf(id, 2);
    await waitFor(id, (o) => o.status === 'shipped');
    await track(first.carrierId, first.trackingNumber, 'in_transit', '2026-12-07T08:00:00.000Z');
    await track(second.carrierId, second.trackingNumber, 'in_transit', '2026-12-07T08:05:00.000Z');
    await track(first.carrierId, first.trackingNumber, 'delivered', '2026-12-07T12:00:00.000Z');
    // The two parcels' scans reach the order in either order: wait for both.
    const parcelStatuses = (o: any) => o.shipments.map((s: any) => s.status).sort();
    const partly = await waitFor(id, (o) => o.status === 'partially_delivered' && parcelStatuses(o).join() === 'delivered,in_transit');
    expect(parcelStatuses(partly)).toEqual(['delivered', 'in_transit']);
    // A late scan of the delivered parcel, and the delivered scan again: nothing moves back, nothing twice.
    await track(first.carrierId, first.trackingNumber, 'out_for_delivery', '2026-12-07T09:00:00.000Z');
    await track(first.carrierId, first.trackingNumber, 'delivered', '2026-12-07T12:00:00.000Z');
    await track(second.carrierId, second.trackingNumber, 'delivered', '2026-12-07T15:00:00.000Z');
    const done = await waitFor(id, (o) => o.status === 'delivered');
    expect(done.timeline.filter((t: any) => t.type === 'status_changed').map((t: any) => t.status)).toEqual([
      'pending',
      'ready_to_fulfill',
      'packed',
      'shipped',
      'in_transit',
      'partially_delivered',
      'delivered',
    ]);
    const shipment = (await api().get(`/v1/shipments/${first.id}`).set(auth()).expect(200)).body;
    expect(shipment.status).toBe('delivered');
  });

  it('when SKU attributes are set (one by PUT, others by CSV) and a fulfillment is packed without a parcel list, then ships-alone units and dangerous goods get the parcels and services they need', async () => {
    await api().put('/v1/skus/CS-BATTERY/attributes').set(auth()).send({ weightGrams: 300, hazmat: true }).expect(200);
    const csv = ['sku,weightGrams,lengthCm,widthCm,heightCm,hazmat,shipsAlone', 'CS-CHAIR,12000,100,50,40,no,yes', 'CS-BROKEN,heavy,,,,,', ''].join('\n');
    const imported = await api().post('/v1/skus/attributes/import').set(auth()).set('Content-Type', 'text/csv').send(csv).expect(200);
    expect(imported.body).toMatchObject({
      lines: 2,
      set: 1,
      rejected: 1,
      rows: [{ line: 3, sku: 'CS-BROKEN', reason: expect.stringContaining('weightGrams') }],
    });
    expect((await api().get('/v1/skus/CS-CHAIR/attributes').set(auth()).expect(200)).body).toMatchObject({
      weightGrams: 12000,
      dimensions: { lengthCm: 100, widthCm: 50, heightCm: 40 },
      shipsAlone: true,
      hazmat: false,
    });

    const id = await place('CS-4', [
      { sku: 'CS-CHAIR', quantity: 2 },
      { sku: 'CS-BATTERY', quantity: 1 },
    ]);
    const [f] = await fulfillmentsOf(id);
    await api().post(`/v1/fulfillments/${f.id}/pack`).set(auth()).send({}).expect(200);
    const shipments = (await shipmentsOf(id, 3)).sort((a, b) => a.parcel - b.parcel);
    expect(shipments.map((s) => [s.parcel, s.carrierId, s.weightGrams, s.hazmat ?? false, s.lines])).toEqual([
      // Dangerous goods: only paketdienst's parcel service takes them (with its surcharge).
      [1, 'paketdienst', 300, true, [{ sku: 'CS-BATTERY', quantity: 1 }]],
      [2, 'kurier', 12000, false, [{ sku: 'CS-CHAIR', quantity: 1 }]],
      [3, 'kurier', 12000, false, [{ sku: 'CS-CHAIR', quantity: 1 }]],
    ]);
    expect(shipments[0].rate.price).toBe(499 + 20 + 1200);
  });

  it('when ops void a booked label with excludeCarrier, then the parcel is booked again with the other carrier and the order shows both', async () => {
    const id = await place('CS-5', [{ sku: 'CS-LAMP', quantity: 1 }]);
    const [f] = await fulfillmentsOf(id);
    await api()
      .post(`/v1/fulfillments/${f.id}/pack`)
      .set(auth())
      .send({ parcels: [{ lines: [{ sku: 'CS-LAMP', quantity: 1 }], weightGrams: 1000 }] })
      .expect(200);
    const [booked] = await shipmentsOf(id, 1);
    expect(booked.carrierId).toBe('kurier');
    const voided = await api().post(`/v1/shipments/${booked.id}/cancel`).set(auth()).send({ reason: 'label damaged', excludeCarrier: true }).expect(200);
    expect(voided.body.cancelled).toMatchObject({ id: booked.id, status: 'cancelled' });
    const both = await shipmentsOf(id, 2);
    expect(both.map((s: any) => [s.carrierId, s.status]).sort()).toEqual([
      ['kurier', 'cancelled'],
      ['paketdienst', 'booked'],
    ]);
    const o = await waitFor(id, (x) => x.timeline.some((t: any) => t.type === 'shipment_cancelled') && x.shipments.length === 2);
    expect(o.timeline.find((t: any) => t.type === 'shipment_cancelled').detail).toContain('label damaged');
    await api().post(`/v1/shipments/${booked.id}/cancel`).set(auth()).send({ reason: 'again' }).expect(200);
  });
});
