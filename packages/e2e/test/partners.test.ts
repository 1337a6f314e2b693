import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import amqp, { type Channel, type ChannelModel, type ConsumeMessage } from 'amqplib';
import request from 'supertest';
import { eventually, PrivateRabbitMq, sampleOrder } from '@oms/testing';
import { startCluster, type Cluster } from './cluster';

/**
 * 3PL partners over AMQP (docs/partners.md), on a cluster of its own on a RabbitMQ of its own with the
 * management plugin (the shared broker has none): two partners (the dev stack's two table carriers) are
 * provisioned through the API, parcels are booked with each, and each partner's broker user reads the events
 * of its own shipments from its own queue, nothing else; its API key lists and hands over its own shipments.
 */
describe('3PL partners: event feeds over AMQP, shipment list and handover', () => {
  let rabbit: PrivateRabbitMq;
  let cluster: Cluster;
  const api = () => request(cluster.gatewayUrl);
  const ops = () => ({ Authorization: `Bearer ${cluster.apiKey}` });
  const channel = 'partner-shop';
  const secrets: Record<string, string> = { paketdienst: 'paketdienst-secret-0123456789', kurier: 'kurier-secret-0123456789abc' };
  const feeds: Record<string, { user: string; queue: string; vhost: string; password: string }> = {};
  const keys: Record<string, { Authorization: string }> = {};
  const connections: ChannelModel[] = [];
  /** What each partner's consumer received, by partner. */
  const received: Record<string, any[]> = { kurier: [], paketdienst: [] };
  /** A standard parcel goes with kurier (cheaper), an express one with paketdienst (carriers.test.ts). */
  const shipments: Record<string, any> = {};

  const connectAs = async (partner: string) => {
    const { user, password, vhost } = feeds[partner];
    const connection = await amqp.connect(`amqp://${user}:${encodeURIComponent(password)}@127.0.0.1:${rabbit.amqpPort}/${encodeURIComponent(vhost)}`);
    connection.on('error', () => undefined);
    connections.push(connection);
    return connection;
  };
  const quietChannel = async (connection: ChannelModel): Promise<Channel> => {
    const ch = await connection.createChannel();
    ch.on('error', () => undefined);
    return ch;
  };
  const place = async (externalId: string, method: string) => {
    const order = sampleOrder({ channel, externalId, lines: [{ sku: 'PT-BOX', quantity: 1, unitPrice: 2000 }] });
    order.shipping.method = method;
    const id = (await api().post('/v1/orders').set(ops()).send(order).expect(202)).body.id as string;
    const fulfillment = await eventually(async () => {
      const [f] = (await api().get(`/v1/fulfillments?orderId=${id}`).set(ops()).expect(200)).body as any[];
      return f && !f.id.startsWith('pending:') && f;
    }, 30000);
    await api()
      .post(`/v1/fulfillments/${fulfillment.id}/pack`)
      .set(ops())
      .send({ parcels: [{ lines: [{ sku: 'PT-BOX', quantity: 1 }], weightGrams: 1000 }] })
      .expect(200);
    return eventually(async () => ((await api().get(`/v1/shipments?orderId=${id}`).set(ops()).expect(200)).body as any[])[0], 30000);
  };
  const track = (carrierId: string, trackingNumber: string, status: string, occurredAt: string) => {
    const body = JSON.stringify({ trackingNumber, status, occurredAt });
    const t = Math.floor(Date.now() / 1000);
    const signature = `t=${t},v1=${createHmac('sha256', secrets[carrierId]).update(`${t}.${body}`).digest('hex')}`;
    return api().post(`/v1/carriers/${carrierId}/tracking`).set('Content-Type', 'application/json').set('OMS-Signature', signature).send(body).expect(200);
  };
  const seen = (partner: string, type: string, shipmentId: string) => received[partner].some((e) => e.type === type && e.data.shipmentId === shipmentId);

  beforeAll(async () => {
    rabbit = await PrivateRabbitMq.start();
    cluster = await startCluster({ broker: rabbit, carrierEnv: { RABBITMQ_MANAGEMENT_URL: rabbit.managementUrl } });
    await api().put(`/v1/channels/${channel}`).set(ops()).send({ name: 'Partner shop', type: 'web', defaultCurrency: 'EUR' }).expect(201);
    const carriers = JSON.parse(readFileSync(path.join(__dirname, '../../../deploy/carriers/dev-carriers.json'), 'utf8')) as Array<{ id: string }>;
    for (const { id, ...settings } of carriers)
      await api()
        .put(`/v1/carriers/${id}`)
        .set(ops())
        .send({ ...settings, webhookSecret: secrets[id] })
        .expect(200);
    await api().put('/v1/locations/pt-east').set(ops()).send({ name: 'pt-east', type: 'warehouse' }).expect(200);
    await api().post('/v1/inventory/movements').set(ops()).send({ sku: 'PT-BOX', locationId: 'pt-east', quantity: 50, type: 'receipt' }).expect(201);
    for (const partner of ['kurier', 'paketdienst']) {
      const created = await api()
        .put(`/v1/partners/${partner}`)
        .set(ops())
        .send({ name: `${partner} logistics` })
        .expect(200);
      expect(created.headers['cache-control']).toBe('no-store');
      feeds[partner] = { ...created.body.amqp, password: created.body.password };
      const key = (
        await api()
          .post('/v1/api-keys')
          .set(ops())
          .send({ name: partner, roles: [`partner:${partner}`] })
          .expect(201)
      ).body.key;
      keys[partner] = { Authorization: `Bearer ${key}` };
      const ch = await quietChannel(await connectAs(partner));
      await ch.consume(feeds[partner].queue, (msg: ConsumeMessage | null) => {
        if (!msg) return;
        received[partner].push({ ...JSON.parse(msg.content.toString()), headers: msg.properties.headers });
        ch.ack(msg);
      });
    }
    shipments.kurier = await place('PT-1', 'standard');
    shipments.paketdienst = await place('PT-2', 'express');
  }, 240000);

  afterAll(async () => {
    for (const c of connections) await c.close().catch(() => undefined);
    await cluster?.stop();
    await rabbit?.stop();
  }, 60000);

  it('when two partners are provisioned, then each has its AMQP user and queue, shown without the password', async () => {
    expect(feeds.kurier).toMatchObject({ user: 'partner-kurier', queue: 'partner.kurier', vhost: cluster.stack.vhost });
    expect(feeds.kurier.password).toMatch(/^[A-Za-z0-9_-]{32}$/);
    // The management API's figures are sampled every few seconds: the consumer shows up after the next sample.
    const state = await eventually(async () => {
      const body = (await api().get('/v1/partners/kurier').set(ops()).expect(200)).body;
      return body.broker?.queue?.consumers === 1 && body;
    }, 20000);
    expect(state).toMatchObject({
      id: 'kurier',
      provisioning: true,
      partner: { name: 'kurier logistics', amqp: { user: 'partner-kurier', queue: 'partner.kurier' } },
      broker: { queue: { name: 'partner.kurier', consumers: 1 }, bound: true, user: { exists: true, permissions: { read: '^partner\\.kurier$' } } },
    });
    expect(JSON.stringify(state)).not.toContain(feeds.kurier.password);
    // Provisioning again repairs and keeps the password: none in the answer.
    expect((await api().put('/v1/partners/kurier').set(ops()).send({ name: 'kurier logistics' }).expect(200)).body).not.toHaveProperty('password');
  });

  it("when parcels are booked, scanned and handed over with both carriers, then each partner's user reads its own events and never the other's", async () => {
    expect([shipments.kurier.carrierId, shipments.paketdienst.carrierId]).toEqual(['kurier', 'paketdienst']);
    await track('paketdienst', shipments.paketdienst.trackingNumber, 'in_transit', new Date().toISOString());
    await track('kurier', shipments.kurier.trackingNumber, 'in_transit', new Date().toISOString());
    await api().post(`/v1/shipments/${shipments.kurier.id}/handover`).set(keys.kurier).send({}).expect(200);
    await api().post(`/v1/shipments/${shipments.paketdienst.id}/handover`).set(keys.paketdienst).send({}).expect(200);
    for (const partner of ['kurier', 'paketdienst'] as const) {
      const id = shipments[partner].id;
      await eventually(() => ['shipment.booked.v1', 'shipment.tracking-updated.v1', 'shipment.handed-over.v1'].every((type) => seen(partner, type, id)), 30000);
    }
    // Each queue got its partner's events only (the other's were published before the last of its own arrived).
    expect(received.kurier.every((e) => e.data.carrierId === 'kurier' && e.headers['oms-partner'] === 'kurier')).toBe(true);
    expect(received.paketdienst.every((e) => e.data.carrierId === 'paketdienst')).toBe(true);
    expect(received.kurier.some((e) => e.data.shipmentId === shipments.paketdienst.id)).toBe(false);
    expect(received.kurier.find((e) => e.type === 'shipment.tracking-updated.v1').data).toMatchObject({ status: 'in_transit', carrierId: 'kurier' });
  });

  it("when a partner's user tries the other partner's queue, declares a queue or publishes, then the broker refuses (ACCESS_REFUSED)", async () => {
    const connection = await connectAs('kurier');
    await expect((await quietChannel(connection)).consume('partner.paketdienst', () => undefined)).rejects.toThrow(/ACCESS_REFUSED/);
    await expect((await quietChannel(connection)).assertQueue('partner.kurier.copy')).rejects.toThrow(/ACCESS_REFUSED/);
    await expect((await quietChannel(connection)).bindQueue('partner.kurier', 'oms.events', '#')).rejects.toThrow(/ACCESS_REFUSED/);
    const publisher = await connection.createConfirmChannel();
    const closed = new Promise<Error>((resolve) => publisher.on('error', resolve));
    publisher.publish('oms.events', 'shipment.booked.v1', Buffer.from('{}'));
    expect((await closed).message).toMatch(/ACCESS_REFUSED/);
  });

  it("when a partner key lists shipments, then it gets its own carrier's only, by status and change time; another partner's shipment is a 404", async () => {
    const list = (await api().get('/v1/shipments').set(keys.kurier).expect(200)).body;
    expect(list.items.map((s: any) => s.id)).toEqual([shipments.kurier.id]);
    expect(list.nextCursor).toBeNull();
    expect(list.items[0]).toMatchObject({ carrierId: 'kurier', status: 'in_transit', handedOverBy: expect.stringMatching(/^api-key:/) });
    expect((await api().get('/v1/shipments?status=booked').set(keys.kurier).expect(200)).body.items).toEqual([]);
    const later = new Date(Date.now() + 60_000).toISOString();
    expect(
      (
        await api()
          .get(`/v1/shipments?updatedSince=${encodeURIComponent(later)}`)
          .set(keys.kurier)
          .expect(200)
      ).body.items,
    ).toEqual([]);
    await api().get('/v1/shipments?carrierId=paketdienst').set(keys.kurier).expect(403);
    await api().get(`/v1/shipments/${shipments.paketdienst.id}`).set(keys.kurier).expect(404);
    await api().post(`/v1/shipments/${shipments.paketdienst.id}/handover`).set(keys.kurier).send({}).expect(404);
    // Ops name the carrier.
    expect((await api().get('/v1/shipments?carrierId=paketdienst').set(ops()).expect(200)).body.items.map((s: any) => s.id)).toEqual([
      shipments.paketdienst.id,
    ]);
    await api().get('/v1/shipments').set(ops()).expect(422);
  });

  it("when a partner hands over again, then the first handover stays and the order's timeline shows it once", async () => {
    const again = (await api().post(`/v1/shipments/${shipments.kurier.id}/handover`).set(keys.kurier).send({}).expect(200)).body;
    const first = (await api().get(`/v1/shipments/${shipments.kurier.id}`).set(keys.kurier).expect(200)).body;
    expect(again.handedOverAt).toBe(first.handedOverAt);
    const order = await eventually(async () => {
      const o = (await api().get(`/v1/orders/${shipments.kurier.orderId}`).set(ops()).expect(200)).body;
      return o.timeline.some((t: any) => t.type === 'shipment_handed_over') && o;
    }, 20000);
    expect(order.timeline.filter((t: any) => t.type === 'shipment_handed_over')).toEqual([
      expect.objectContaining({ detail: `${shipments.kurier.trackingNumber} taken by kurier` }),
    ]);
  });
});
