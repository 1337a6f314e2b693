import { randomUUID } from 'node:crypto';
import type { MessageData } from '@oms/contracts';
import { deterministicId, type CommandClient } from '@oms/messaging';
import type { RunningService } from '@oms/runtime';
import { createCarrierSandbox, serve, type CarrierSandboxControl, type RunningSandbox } from '@oms/sandboxes';
import { TestBus, TestStack, eventually, type BrokerTap } from '@oms/testing';
import { signatureHeader } from '../src/domain/signature';
import { definition } from '../src/service';

const SANDBOX_SECRET = 'sandbox-secret-0123456789';

describe('carrier service', () => {
  let stack: TestStack;
  let sandbox: RunningSandbox;
  let control: CarrierSandboxControl;
  let service: RunningService<unknown>;
  let client: CommandClient;
  let tap: BrokerTap;
  let bus: TestBus;

  beforeAll(async () => {
    stack = await TestStack.create();
    const fake = createCarrierSandbox();
    control = fake.control;
    sandbox = await serve(fake.app);
    service = (await stack.start(definition, { CARRIER_SANDBOX_URL: sandbox.url, SANDBOX_CARRIER_WEBHOOK_SECRET: SANDBOX_SECRET })) as RunningService<unknown>;
    bus = await TestBus.open(stack.amqpUrl, ['shipment.#']);
    ({ commands: client, tap } = bus);
  });

  afterAll(async () => {
    await bus?.close();
    await stack?.cleanup();
    await sandbox?.close();
  });

  const bookCommand = (orderId: string, fulfillmentId = `ful-${randomUUID()}`): MessageData<'shipment.book.v1'> => ({
    orderId,
    fulfillmentId,
    locationId: 'wh-berlin',
    shippingAddress: { name: 'Ada Lovelace', line1: 'Hauptstr. 1', postalCode: '10115', city: 'Berlin', country: 'DE' },
    shippingMethod: 'standard',
    lines: [{ sku: 'SKU-1', quantity: 2 }],
  });
  const getJson = async (path: string) => {
    const res = await fetch(`${service.url}${path}`);
    return { status: res.status, type: res.headers.get('content-type') ?? '', body: (await res.json()) as any };
  };
  const bookedFor = (orderId: string) => tap.of<MessageData<'shipment.booked.v1'>>('shipment.booked.v1').filter((e) => e.data.orderId === orderId);
  const bookShipment = async (orderId: string, command = bookCommand(orderId)) => {
    await bus.broker.publish('shipment.book.v1', command, { correlationId: orderId });
    return (await eventually(() => bookedFor(orderId)[0])).data;
  };

  it('when a fulfillment is booked, then the sandbox books it, shipment.booked.v1 is emitted, the shipment is listed and has a PDF label', async () => {
    const orderId = `ord-${randomUUID()}`;
    const booked = await bookShipment(orderId);
    expect(booked).toMatchObject({ orderId, carrierId: 'sandbox' });
    expect(booked.trackingNumber).toMatch(/^SBX\d{12}$/);

    const list = await getJson(`/internal/shipments?orderId=${orderId}`);
    expect(list.status).toBe(200);
    expect(list.body).toHaveLength(1);
    expect(list.body[0]).toMatchObject({ id: booked.shipmentId, orderId, status: 'booked', trackingNumber: booked.trackingNumber, locationId: 'wh-berlin' });
    expect(list.body[0]).not.toHaveProperty('outbox');

    const one = await getJson(`/internal/shipments/${booked.shipmentId}`);
    expect(one.body.shippingAddress.city).toBe('Berlin');

    const label = await fetch(`${service.url}/internal/shipments/${booked.shipmentId}/label`);
    expect(label.status).toBe(200);
    expect(label.headers.get('content-type')).toMatch(/^application\/pdf/);
    const pdf = Buffer.from(await label.arrayBuffer());
    expect(pdf.subarray(0, 4).toString('latin1')).toBe('%PDF');
    expect(pdf.length).toBeGreaterThan(3000);
  });

  it('when the carrier answers 503 twice, then the booking is retried and made once, keyed by the shipment id', async () => {
    control.reset();
    control.failNext(2);
    const orderId = `ord-${randomUUID()}`;
    const command = bookCommand(orderId);
    const booked = await bookShipment(orderId, command);
    expect(booked.shipmentId).toBe(deterministicId('shipment', command.fulfillmentId));
    expect(control.calls).toMatchObject({ failed: 2, created: 1 });
    expect(control.idempotencyKeys).toEqual([booked.shipmentId]);

    // The same command again (a duplicate delivery) books nothing new and emits nothing new.
    const again = await client.send('shipment.book.v1', command, { correlationId: orderId });
    const parcel = { shipmentId: booked.shipmentId, trackingNumber: booked.trackingNumber, status: 'booked' };
    expect(again).toEqual({ status: 'done', result: { shipmentId: booked.shipmentId, trackingNumber: booked.trackingNumber, shipments: [parcel] } });
    await tap.settle();
    expect(bookedFor(orderId)).toHaveLength(1);
    expect(control.calls.created).toBe(1);
    expect((await getJson(`/internal/shipments?orderId=${orderId}`)).body).toHaveLength(1);
  });

  it('when a sandbox booking is voided, then the sandbox is told and the parcel is booked again (with the sandbox: no carrier has a tariff)', async () => {
    const orderId = `ord-${randomUUID()}`;
    const { shipmentId } = await bookShipment(orderId);
    const voided = (await getJson(`/internal/shipments/${shipmentId}`)).body;
    const out = (await client.send('shipment.cancel.v1', { shipmentId, reason: 'wrong address label', actor: 'ops:test' }, { correlationId: shipmentId })) as {
      result: { replacement: { shipmentId: string; trackingNumber: string } };
    };
    expect(control.voided).toContain(voided.carrierShipmentId);
    expect(out.result.replacement.trackingNumber).toMatch(/^SBX\d{12}$/);
    expect((await getJson(`/internal/shipments?orderId=${orderId}`)).body.map((s: any) => s.status).sort()).toEqual(['booked', 'cancelled']);
  });

  it('when a tracking update arrives again (re-sent or redelivered), then it is recorded once and shipment.tracking-updated.v1 is emitted once', async () => {
    const orderId = `ord-${randomUUID()}`;
    const { shipmentId, trackingNumber } = await bookShipment(orderId);
    const update = { carrierId: 'sandbox', trackingNumber, status: 'in_transit' as const, occurredAt: '2025-03-01T10:00:00.000Z', location: 'Hub Leipzig' };

    const firstId = randomUUID();
    const first = await client.send('shipment.record-tracking.v1', update, { correlationId: trackingNumber, id: firstId });
    expect(first).toEqual({ status: 'done', result: { shipmentId, trackingNumber, status: 'in_transit' } });
    // The carrier re-sends the scan (a new message), and the first message is delivered again.
    const second = await client.send('shipment.record-tracking.v1', update, { correlationId: trackingNumber });
    expect(second).toEqual(first);
    expect(await client.send('shipment.record-tracking.v1', update, { correlationId: trackingNumber, id: firstId })).toEqual(first);

    await tap.settle();
    const updates = tap.of<MessageData<'shipment.tracking-updated.v1'>>('shipment.tracking-updated.v1').filter((e) => e.data.shipmentId === shipmentId);
    expect(updates).toHaveLength(1);
    expect(updates[0].data).toEqual({
      orderId,
      shipmentId,
      carrierId: 'sandbox',
      trackingNumber,
      status: 'in_transit',
      occurredAt: update.occurredAt,
      location: 'Hub Leipzig',
      shipmentStatus: 'in_transit',
    });
    // Caused by the first message, in the order's conversation.
    expect(updates[0]).toMatchObject({ causationId: firstId, correlationId: orderId });
    const shipment = (await getJson(`/internal/shipments/${shipmentId}`)).body;
    expect(shipment.status).toBe('in_transit');
    expect(shipment.tracking).toHaveLength(1);
  });

  it('when scans arrive out of order, then the status is that of the latest scan', async () => {
    const { trackingNumber } = await bookShipment(`ord-${randomUUID()}`);
    const scan = (status: 'delivered' | 'out_for_delivery', occurredAt: string) =>
      client.send('shipment.record-tracking.v1', { carrierId: 'sandbox', trackingNumber, status, occurredAt }, { correlationId: trackingNumber });
    await scan('delivered', '2025-03-02T15:00:00.000Z');
    const late = await scan('out_for_delivery', '2025-03-02T08:00:00.000Z');
    expect(late).toMatchObject({ result: { status: 'delivered' } });
  });

  it('when several scans of one shipment arrive at the same time, then none is lost', async () => {
    const { shipmentId, trackingNumber } = await bookShipment(`ord-${randomUUID()}`);
    const statuses = ['in_transit', 'out_for_delivery', 'delivered', 'exception'] as const;
    await Promise.all(
      statuses.map((status, i) =>
        client.send(
          'shipment.record-tracking.v1',
          { carrierId: 'sandbox', trackingNumber, status, occurredAt: `2025-04-01T1${i}:00:00.000Z` },
          { correlationId: trackingNumber },
        ),
      ),
    );
    const shipment = (await getJson(`/internal/shipments/${shipmentId}`)).body;
    expect(shipment.tracking.map((t: { status: string }) => t.status).sort()).toEqual([...statuses].sort());
    expect(shipment.status).toBe('exception');
  });

  it('when a tracking number is unknown, then the command is refused with 404', async () => {
    await expect(
      client.send(
        'shipment.record-tracking.v1',
        { carrierId: 'sandbox', trackingNumber: 'SBX000000000000', status: 'delivered', occurredAt: new Date().toISOString() },
        { correlationId: 'x' },
      ),
    ).rejects.toMatchObject({ status: 404 });
  });

  it('when neither orderId nor carrierId is given, then listing shipments answers 422, and an unknown shipment 404', async () => {
    const list = await getJson('/internal/shipments');
    expect(list.status).toBe(422);
    expect(list.type).toMatch(/application\/problem\+json/);
    expect((await getJson('/internal/shipments/nope')).status).toBe(404);
    expect((await fetch(`${service.url}/internal/shipments/nope/label`)).status).toBe(404);
  });

  describe('webhook signature verification', () => {
    const verify = async (carrierId: string, signature: string, body: string) => {
      const res = await fetch(`${service.url}/internal/carriers/${carrierId}/verify-signature`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ signature, body }),
      });
      return { status: res.status, body: (await res.json()) as any };
    };
    const raw = JSON.stringify({ trackingNumber: 'SBX123456789012', status: 'delivered' });

    it('when the body is signed with the carrier secret, then it is valid', async () => {
      expect(await verify('sandbox', signatureHeader(SANDBOX_SECRET, raw), raw)).toEqual({ status: 200, body: { valid: true } });
    });

    it('when the body is signed with another secret or was altered, then it is invalid', async () => {
      const wrong = await verify('sandbox', signatureHeader('another-secret-0123456789', raw), raw);
      expect(wrong.body).toEqual({ valid: false, reason: expect.any(String) });
      const altered = await verify('sandbox', signatureHeader(SANDBOX_SECRET, raw), raw.replace('delivered', 'exception'));
      expect(altered.body.valid).toBe(false);
    });

    it('when the timestamp is older than five minutes, then it is invalid', async () => {
      const stale = signatureHeader(SANDBOX_SECRET, raw, Math.floor(Date.now() / 1000) - 6 * 60);
      expect((await verify('sandbox', stale, raw)).body).toEqual({ valid: false, reason: expect.stringMatching(/timestamp/) });
    });

    it('when the header is malformed, then it is invalid', async () => {
      expect((await verify('sandbox', 'v1=abc', raw)).body).toEqual({ valid: false, reason: expect.stringMatching(/malformed/) });
    });

    it('when the carrier is unknown, then 404', async () => {
      expect((await verify('nobody', signatureHeader(SANDBOX_SECRET, raw), raw)).status).toBe(404);
    });

    it('when a carrier is configured, then the answer never contains the secret and its signatures verify', async () => {
      const secret = `acme-${randomUUID()}`;
      const out = await client.send('carrier.configure.v1', { carrierId: 'acme', webhookSecret: secret, actor: 'ops:test' }, { correlationId: 'acme' });
      expect(out).toEqual({
        status: 'done',
        result: {
          id: 'acme',
          configured: true,
          name: 'acme',
          kind: 'sandbox',
          active: true,
          tracking: 'webhook',
          hasWebhookSecret: true,
          updatedAt: expect.any(String),
        },
      });
      expect(JSON.stringify(out)).not.toContain(secret);
      expect((await verify('acme', signatureHeader(secret, raw), raw)).body).toEqual({ valid: true });
      expect((await verify('acme', signatureHeader(SANDBOX_SECRET, raw), raw)).body.valid).toBe(false);
    });
  });
  // It configures the sandbox carrier, which the other bookings of this file use unconfigured: keep it after them.
  it('when a carrier has a tracking page configured, then its bookings carry the parcel’s tracking link', async () => {
    const configured = await client.send(
      'carrier.configure.v1',
      { carrierId: 'sandbox', trackingUrl: 'https://track.example.com/sbx?id={trackingNumber}', actor: 'ops:test' },
      { correlationId: 'sandbox' },
    );
    expect(configured).toMatchObject({ status: 'done', result: { trackingUrl: 'https://track.example.com/sbx?id={trackingNumber}' } });
    const booked = await bookShipment(`ord-${randomUUID()}`);
    expect(booked.trackingUrl).toBe(`https://track.example.com/sbx?id=${booked.trackingNumber}`);
  });
});
