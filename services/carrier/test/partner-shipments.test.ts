import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import type { MessageData } from '@oms/contracts';
import type { RunningService } from '@oms/runtime';
import { createCarrierSandbox, serve, type RunningSandbox } from '@oms/sandboxes';
import { eventually, TestBus, TestStack } from '@oms/testing';
import { LIST_FIELDS_BACKFILL_MARKER } from '../src/data-access/shipment-list-backfill';
import { definition } from '../src/service';

/**
 * A carrier's shipments by their last change (what a 3PL partner syncs), read day by day by equality on
 * indexed fields; the backfill of shipments stored before the list existed; the partner's handover.
 */
describe('partner shipment list and handover', () => {
  let stack: TestStack;
  let sandbox: RunningSandbox;
  let service: RunningService<unknown>;
  let bus: TestBus;
  const legacy = ['2026-01-01', '2026-01-02', '2026-01-03'].map((day, i) => ({ _id: `legacy-${i}`, day }));

  /** A shipment as stored before the list fields existed. */
  const legacyDoc = (id: string, carrierId: string, day: string) => ({
    _id: id,
    orderId: `ord-${id}`,
    fulfillmentId: `ful-${id}`,
    carrierId,
    carrierShipmentId: `cs-${id}`,
    trackingNumber: `TN-${id}`,
    status: 'booked',
    shippingAddress: { name: 'Ada', line1: 'Hauptstr. 1', postalCode: '10115', city: 'Berlin', country: 'DE' },
    shippingMethod: 'standard',
    lines: [{ sku: 'SKU-1', quantity: 1 }],
    locationId: 'wh-1',
    tracking: [],
    createdAt: new Date(`${day}T10:00:00.000Z`),
    outbox: [],
    processed: [],
  });

  beforeAll(async () => {
    stack = await TestStack.create();
    const client = await MongoClient.connect(stack.mongoUrl('carrier'));
    try {
      await client
        .db()
        .collection('shipments')
        .insertMany([...legacy.map(({ _id, day }) => legacyDoc(_id, 'sandbox', day)), legacyDoc('legacy-other', 'other-carrier', '2026-01-02')] as never[]);
    } finally {
      await client.close();
    }
    sandbox = await serve(createCarrierSandbox().app);
    service = (await stack.start(definition, { CARRIER_SANDBOX_URL: sandbox.url })) as RunningService<unknown>;
    bus = await TestBus.open(stack.amqpUrl, ['shipment.#']);
    const probe = await MongoClient.connect(stack.mongoUrl('carrier'));
    try {
      await eventually(
        () =>
          probe
            .db()
            .collection('shipment_days')
            .findOne({ _id: `marker:${LIST_FIELDS_BACKFILL_MARKER}` as never }),
        20_000,
      );
    } finally {
      await probe.close();
    }
  }, 60_000);

  afterAll(async () => {
    await bus?.close();
    await stack?.cleanup();
    await sandbox?.close();
  });

  const list = async (query: string) => {
    const res = await fetch(`${service.url}/internal/shipments?${query}`);
    return { status: res.status, body: (await res.json()) as any };
  };
  const book = async () => {
    const orderId = `ord-${randomUUID()}`;
    const command: MessageData<'shipment.book.v1'> = {
      orderId,
      fulfillmentId: `ful-${randomUUID()}`,
      locationId: 'wh-1',
      shippingAddress: { name: 'Ada', line1: 'Hauptstr. 1', postalCode: '10115', city: 'Berlin', country: 'DE' },
      shippingMethod: 'standard',
      lines: [{ sku: 'SKU-1', quantity: 1 }],
    };
    const outcome = await bus.commands.send('shipment.book.v1', command, { correlationId: orderId });
    return (outcome as { result: { shipmentId: string; trackingNumber: string } }).result;
  };

  it('when shipments stored before the list are backfilled, then a carrier lists its own by day of change, oldest first, in cursor pages', async () => {
    const first = await list('carrierId=sandbox&updatedSince=2025-12-31T00:00:00Z&limit=2');
    expect(first.status).toBe(200);
    expect(first.body.items.map((s: any) => s.id)).toEqual(['legacy-0', 'legacy-1']);
    expect(first.body.items[0]).toMatchObject({ carrierId: 'sandbox', updatedAt: '2026-01-01T10:00:00.000Z' });
    expect(first.body.items[0]).not.toHaveProperty('carrierStatus');
    const second = await list(`carrierId=sandbox&updatedSince=2025-12-31T00:00:00Z&limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.items[0].id).toBe('legacy-2');
    // Another carrier's shipment of the same days is not in the list, and is in its own.
    const all = [...first.body.items, ...second.body.items].map((s: any) => s.id);
    expect(all).not.toContain('legacy-other');
    expect((await list('carrierId=other-carrier')).body.items.map((s: any) => s.id)).toEqual(['legacy-other']);
    // From a later time on, the earlier days are not read.
    expect((await list('carrierId=sandbox&updatedSince=2026-01-02T12:00:00Z&limit=200')).body.items.map((s: any) => s.id)[0]).toBe('legacy-2');
  });

  it('when a shipment is booked and then scanned, then it moves from the booked list to the in_transit list with its new change time', async () => {
    const since = new Date(Date.now() - 1000).toISOString();
    const { shipmentId, trackingNumber } = await book();
    const booked = await list(`carrierId=sandbox&status=booked&updatedSince=${since}`);
    expect(booked.body.items.map((s: any) => s.id)).toEqual([shipmentId]);
    await bus.commands.send(
      'shipment.record-tracking.v1',
      { carrierId: 'sandbox', trackingNumber, status: 'in_transit', occurredAt: new Date().toISOString() },
      { correlationId: trackingNumber },
    );
    expect((await list(`carrierId=sandbox&status=booked&updatedSince=${since}`)).body.items).toEqual([]);
    const moving = await list(`carrierId=sandbox&status=in_transit&updatedSince=${since}`);
    expect(moving.body.items.map((s: any) => [s.id, s.status])).toEqual([[shipmentId, 'in_transit']]);
    expect(Date.parse(moving.body.items[0].updatedAt)).toBeGreaterThan(Date.parse(booked.body.items[0].updatedAt));
    expect((await list('carrierId=sandbox&cursor=nonsense')).status).toBe(422);
  });

  it("when a partner hands over its carrier's shipment, then it is recorded once with one event; another carrier's partner gets 404", async () => {
    const { shipmentId } = await book();
    const handOver = (partners: string[], id = randomUUID()) =>
      bus.commands.send('shipment.hand-over.v1', { shipmentId, actor: 'api-key:partner', partners }, { correlationId: shipmentId, id });
    await expect(handOver(['other-carrier'])).rejects.toMatchObject({ status: 404 });
    const done = await handOver(['sandbox']);
    expect(done).toMatchObject({ status: 'done', result: { id: shipmentId, status: 'booked', handedOverBy: 'api-key:partner' } });
    const again = await handOver(['sandbox']);
    expect((again as any).result.handedOverAt).toBe((done as any).result.handedOverAt);
    await bus.tap.settle();
    const events = bus.tap.of<MessageData<'shipment.handed-over.v1'>>('shipment.handed-over.v1').filter((e) => e.data.shipmentId === shipmentId);
    expect(events).toHaveLength(1);
    expect(events[0].data).toMatchObject({ carrierId: 'sandbox', actor: 'api-key:partner' });
  });
});
