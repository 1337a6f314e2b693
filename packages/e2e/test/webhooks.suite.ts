import { createHmac } from 'node:crypto';
import request from 'supertest';
import { eventually, sampleOrder, startWebhookReceiver, type WebhookReceiver } from '@oms/testing';
import type { Cluster } from './cluster';

/**
 * Outgoing webhooks end to end: a channel subscribes and hears its own order's life (confirmed, shipped with
 * tracking link, delivered), signed; another channel hears nothing of it; a partner hears its own carrier's
 * shipments only. The cluster's gateway allows http to 127.0.0.1 (cluster.ts), where the fake receivers run.
 */
export function webhooksSuite(shared: () => Cluster): void {
  describe('outgoing webhooks through the gateway', () => {
    let cluster: Cluster;
    const channel = 'webhooks-shop';
    const otherChannel = 'webhooks-other-shop';
    const sku = 'WEBHOOK-MUG';
    const location = 'webhooks-wh';
    const carrierSecret = 'sandbox-webhook-secret-for-e2e';
    const trackingUrl = 'https://track.sandbox.example/parcel?id={trackingNumber}';
    const secrets = { shop: 'shop-webhook-secret-0123456789-abc', other: 'other-webhook-secret-0123456789-ab', partner: 'partner-webhook-secret-0123456789-a' };
    const receivers: Record<'shop' | 'other' | 'partner' | 'otherPartner', WebhookReceiver> = {} as never;
    const keys: Record<string, string> = {};

    const api = () => request(cluster.gatewayUrl);
    const ops = () => ({ Authorization: `Bearer ${cluster.apiKey}` });
    const bearer = (role: string) => ({ Authorization: `Bearer ${keys[role]}` });
    const hmac = (secret: string, t: string, body: string) => createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
    /** Our own verification of the OMS-Signature header, as a receiver would write it. */
    const signatureValid = (header: string | string[] | undefined, body: string, secret: string) => {
      const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(header));
      return !!match && Math.abs(Date.now() / 1000 - Number(match[1])) < 300 && match[2] === hmac(secret, match[1], body);
    };
    const track = (trackingNumber: string, status: string) => {
      const body = JSON.stringify({ trackingNumber, status, occurredAt: new Date().toISOString() });
      const t = String(Math.floor(Date.now() / 1000));
      return api()
        .post('/v1/carriers/sandbox/tracking')
        .set('Content-Type', 'application/json')
        .set('OMS-Signature', `t=${t},v1=${hmac(carrierSecret, t, body)}`)
        .send(body);
    };
    const waitForStatus = (id: string, status: string) =>
      eventually(async () => (await api().get(`/v1/orders/${id}`).set(ops()).expect(200)).body.status === status, 30000);
    const received = (receiver: WebhookReceiver, type: string, orderId: string) =>
      receiver.received.filter((r) => r.body.type === type && r.body.data.orderId === orderId);

    beforeAll(async () => {
      cluster = shared();
      receivers.shop = await startWebhookReceiver();
      receivers.other = await startWebhookReceiver();
      receivers.partner = await startWebhookReceiver();
      receivers.otherPartner = await startWebhookReceiver();
      for (const id of [channel, otherChannel])
        await api().put(`/v1/channels/${id}`).set(ops()).send({ name: id, type: 'web', defaultCurrency: 'EUR' }).expect(201);
      await api().put('/v1/carriers/sandbox').set(ops()).send({ webhookSecret: carrierSecret, trackingUrl }).expect(200);
      await api().put(`/v1/locations/${location}`).set(ops()).send({ name: 'Webhooks test warehouse', type: 'warehouse' }).expect(200);
      await api().post('/v1/inventory/movements').set(ops()).send({ sku, locationId: location, quantity: 10, type: 'receipt' }).expect(201);
      for (const role of [`channel:${channel}`, `channel:${otherChannel}`, 'partner:sandbox', 'partner:webhooks-carrier'])
        keys[role] = (
          await api()
            .post('/v1/api-keys')
            .set(ops())
            .send({ name: role, roles: [role] })
            .expect(201)
        ).body.key;
      const notifications = ['notification.order-confirmed.v1', 'notification.shipped.v1', 'notification.delivered.v1'];
      const shipments = ['shipment.booked.v1', 'shipment.tracking-updated.v1'];
      const subscribe = async (role: string, url: string, eventTypes: string[], secret: string) =>
        api().post('/v1/webhook-subscriptions').set(bearer(role)).send({ url, eventTypes, secret }).expect(201);
      await subscribe(`channel:${channel}`, receivers.shop.url(), notifications, secrets.shop);
      await subscribe(`channel:${otherChannel}`, receivers.other.url(), notifications, secrets.other);
      await subscribe('partner:sandbox', receivers.partner.url(), shipments, secrets.partner);
      await subscribe('partner:webhooks-carrier', receivers.otherPartner.url(), shipments, secrets.partner);
    }, 60000);

    afterAll(async () => {
      await Promise.all(Object.values(receivers).map((r) => r?.close()));
    });

    it('when a channel places an order that is packed, shipped and delivered, then its receiver hears confirmed, shipped with tracking link and delivered, signed; nobody else hears of it but the carrier’s partner', async () => {
      const placed = await api()
        .post('/v1/orders')
        .set(bearer(`channel:${channel}`))
        .send(sampleOrder({ channel, externalId: 'WH-1001', lines: [{ sku, quantity: 1, unitPrice: 1500 }] }))
        .expect(202);
      const id = placed.body.id as string;

      const confirmed = await eventually(() => received(receivers.shop, 'notification.order-confirmed.v1', id)[0], 30000);
      expect(confirmed.body.data).toEqual({ orderId: id, channel, externalId: 'WH-1001' });
      expect(signatureValid(confirmed.headers['oms-signature'], confirmed.rawBody, secrets.shop)).toBe(true);
      expect(signatureValid(confirmed.headers['oms-signature'], confirmed.rawBody, secrets.other)).toBe(false);

      const [fulfillment] = await eventually(async () => {
        const list = (await api().get(`/v1/fulfillments?orderId=${id}`).set(ops()).expect(200)).body;
        return list.length > 0 && list;
      });
      await api().post(`/v1/fulfillments/${fulfillment.id}/pack`).set(ops()).expect(200);
      await waitForStatus(id, 'shipped');
      const [shipment] = (await api().get(`/v1/shipments?orderId=${id}`).set(ops()).expect(200)).body;

      const shipped = await eventually(() => received(receivers.shop, 'notification.shipped.v1', id)[0], 30000);
      expect(shipped.body.data).toMatchObject({
        orderId: id,
        channel,
        externalId: 'WH-1001',
        shipmentId: shipment.id,
        carrierId: 'sandbox',
        trackingNumber: shipment.trackingNumber,
        trackingUrl: `https://track.sandbox.example/parcel?id=${shipment.trackingNumber}`,
      });
      expect(signatureValid(shipped.headers['oms-signature'], shipped.rawBody, secrets.shop)).toBe(true);

      await track(shipment.trackingNumber, 'in_transit').expect(200);
      await track(shipment.trackingNumber, 'delivered').expect(200);
      const delivered = await eventually(() => received(receivers.shop, 'notification.delivered.v1', id)[0], 30000);
      expect(delivered.body).toMatchObject({ type: 'notification.delivered.v1', data: { orderId: id, channel, externalId: 'WH-1001' } });
      expect(signatureValid(delivered.headers['oms-signature'], delivered.rawBody, secrets.shop)).toBe(true);

      // The carrier's partner hears the booking and the scans of its shipment, signed with its own secret.
      const booked = await eventually(() => received(receivers.partner, 'shipment.booked.v1', id)[0], 30000);
      expect(booked.body.data).toMatchObject({ orderId: id, shipmentId: shipment.id, carrierId: 'sandbox', trackingNumber: shipment.trackingNumber });
      expect(signatureValid(booked.headers['oms-signature'], booked.rawBody, secrets.partner)).toBe(true);
      const scans = await eventually(() => {
        const found = received(receivers.partner, 'shipment.tracking-updated.v1', id);
        return found.length === 2 ? found : undefined;
      }, 30000);
      expect(scans.map((s) => s.body.data.status).sort()).toEqual(['delivered', 'in_transit']);

      // Each delivery once, and the shop's log shows them delivered.
      expect(
        receivers.shop.received
          .filter((r) => r.body.data.orderId === id)
          .map((r) => r.body.type)
          .sort(),
      ).toEqual(['notification.delivered.v1', 'notification.order-confirmed.v1', 'notification.shipped.v1']);
      const [subscription] = (
        await api()
          .get('/v1/webhook-subscriptions')
          .set(bearer(`channel:${channel}`))
          .expect(200)
      ).body;
      const logged = (
        await api()
          .get(`/v1/webhook-subscriptions/${subscription.id}/deliveries`)
          .set(bearer(`channel:${channel}`))
          .expect(200)
      ).body.items;
      expect(logged.filter((d: any) => [confirmed, shipped, delivered].some((r) => r.body.id === d.eventId)).map((d: any) => d.status)).toEqual([
        'delivered',
        'delivered',
        'delivered',
      ]);

      // Another channel's receiver heard nothing of this order (nor of any order: it placed none); the shop's
      // receiver heard only its own channel; another carrier's partner heard nothing of the sandbox's parcels.
      expect(receivers.other.received).toEqual([]);
      expect(receivers.shop.received.every((r) => r.body.data.channel === channel)).toBe(true);
      expect(receivers.partner.received.every((r) => r.body.data.carrierId === 'sandbox')).toBe(true);
      expect(receivers.otherPartner.received).toEqual([]);
    }, 120000);

    it('when another channel’s or partner’s key asks for the shop’s subscription or its log, then 404', async () => {
      const [subscription] = (
        await api()
          .get('/v1/webhook-subscriptions')
          .set(bearer(`channel:${channel}`))
          .expect(200)
      ).body;
      await api()
        .get(`/v1/webhook-subscriptions/${subscription.id}`)
        .set(bearer(`channel:${otherChannel}`))
        .expect(404);
      await api().get(`/v1/webhook-subscriptions/${subscription.id}/deliveries`).set(bearer('partner:sandbox')).expect(404);
      const theirs = (
        await api()
          .get('/v1/webhook-subscriptions')
          .set(bearer(`channel:${otherChannel}`))
          .expect(200)
      ).body;
      expect(theirs.map((s: any) => s.scope)).toEqual([`channel:${otherChannel}`]);
    });
  });
}
