import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { MessageData } from '@oms/contracts';
import type { CommandClient } from '@oms/messaging';
import type { RunningService } from '@oms/runtime';
import { createCarrierSandbox, serve, type RunningSandbox } from '@oms/sandboxes';
import { decodeBarcodesInPdf, TestBus, TestStack, eventually, type BrokerTap } from '@oms/testing';
import { definition } from '../src/service';

/** The dev stack's carriers (deploy/carriers/dev-carriers.json): rate shopping, parcels, labels, tariff changes. */
describe('carrier rate shopping', () => {
  let stack: TestStack;
  let sandbox: RunningSandbox;
  let service: RunningService<unknown>;
  let client: CommandClient;
  let tap: BrokerTap;
  let bus: TestBus;

  beforeAll(async () => {
    stack = await TestStack.create();
    sandbox = await serve(createCarrierSandbox().app);
    service = (await stack.start(definition, {
      CARRIER_SANDBOX_URL: sandbox.url,
      CARRIERS_FILE: path.join(__dirname, '../../../deploy/carriers/dev-carriers.json'),
      LABEL_SENDER: 'Lampenladen GmbH',
    })) as RunningService<unknown>;
    bus = await TestBus.open(stack.amqpUrl, ['shipment.#']);
    ({ commands: client, tap } = bus);
  });

  afterAll(async () => {
    await bus?.close();
    await stack?.cleanup();
    await sandbox?.close();
  });

  const book = (data: Partial<MessageData<'shipment.book.v1'>> = {}): MessageData<'shipment.book.v1'> => ({
    orderId: `ord-${randomUUID()}`,
    fulfillmentId: `ful-${randomUUID()}`,
    locationId: 'wh-berlin',
    shippingAddress: { name: 'Ada Lovelace', line1: 'Hauptstr. 1', postalCode: '10115', city: 'Berlin', country: 'DE' },
    shippingMethod: 'standard',
    lines: [{ sku: 'LAMP', quantity: 2 }],
    parcels: [{ lines: [{ sku: 'LAMP', quantity: 2 }], weightGrams: 1000 }],
    ...data,
  });
  const booked = async (command: MessageData<'shipment.book.v1'>, count = 1) => {
    await bus.broker.publish('shipment.book.v1', command, { correlationId: command.orderId });
    const events = (await eventually(() => {
      const found = tap.of<MessageData<'shipment.booked.v1'>>('shipment.booked.v1').filter((e) => e.data.orderId === command.orderId);
      return found.length >= count && found;
    })) as Array<{ data: MessageData<'shipment.booked.v1'> }>;
    return events.map((e) => e.data).sort((a, b) => (a.parcel ?? 1) - (b.parcel ?? 1));
  };

  it('when a standard parcel is booked, then the cheaper carrier takes it and the alternatives are kept; express goes with the express service', async () => {
    const [standard] = await booked(book());
    expect(standard).toMatchObject({ carrierId: 'kurier', rate: { serviceId: 'classic', price: 476, currency: 'EUR', transitDays: 1 }, parcel: 1, parcels: 1 });
    expect(standard.trackingNumber).toMatch(/^KU\d{12}$/);
    expect(standard.rate?.alternatives).toContain('paketdienst/paket 5.19 EUR, 2 d');
    const [express] = await booked(book({ shippingMethod: 'express' }));
    expect(express).toMatchObject({ carrierId: 'paketdienst', rate: { serviceId: 'express', level: 'express', price: 1559 } });
  });

  it('when a fulfillment is packed in two parcels, then each is a shipment of its own with its own tracking number and an A6 label whose barcode reads back', async () => {
    const command = book({
      lines: [{ sku: 'LAMP', quantity: 3 }],
      parcels: [
        { lines: [{ sku: 'LAMP', quantity: 2 }], weightGrams: 12000, dimensions: { lengthCm: 60, widthCm: 40, heightCm: 40 } },
        { lines: [{ sku: 'LAMP', quantity: 1 }], weightGrams: 900 },
      ],
    });
    const parcels = await booked(command, 2);
    expect(parcels.map((p) => [p.parcel, p.parcels, p.fulfillmentId])).toEqual([
      [1, 2, command.fulfillmentId],
      [2, 2, command.fulfillmentId],
    ]);
    expect(new Set(parcels.map((p) => p.trackingNumber)).size).toBe(2);
    const shipments = (await (await fetch(`${service.url}/internal/shipments?orderId=${command.orderId}`)).json()) as any[];
    expect(shipments.map((s) => [s.weightGrams, s.lines])).toEqual([
      [12000, [{ sku: 'LAMP', quantity: 2 }]],
      [900, [{ sku: 'LAMP', quantity: 1 }]],
    ]);
    const label = await fetch(`${service.url}/internal/shipments/${parcels[0].shipmentId}/label`);
    const pdf = Buffer.from(await label.arrayBuffer());
    // A6 portrait: 105 x 148 mm.
    expect(pdf.toString('latin1')).toMatch(/\/MediaBox \[0 0 297\.64 419\.53\]/);
    expect(await decodeBarcodesInPdf(pdf)).toEqual([{ format: 'Code128', text: parcels[0].trackingNumber }]);
    // The same booking again (a redelivery) books nothing more.
    await bus.broker.publish('shipment.book.v1', command, { correlationId: command.orderId });
    await tap.settle();
    expect(tap.of<MessageData<'shipment.booked.v1'>>('shipment.booked.v1').filter((e) => e.data.orderId === command.orderId)).toHaveLength(2);
  });

  it('when ops make a carrier cheaper, then the next parcel goes with it; a parcel no service can take is refused with the reasons', async () => {
    const current = (await (await fetch(`${service.url}/internal/carriers/paketdienst`)).json()) as any;
    const tariff = structuredClone(current.tariff);
    tariff.services[0].prices = tariff.services[0].prices.map((p: any) => ({ ...p, price: 99 }));
    tariff.surcharges = [];
    const out = await client.send('carrier.configure.v1', { carrierId: 'paketdienst', tariff, actor: 'ops:test' }, { correlationId: 'paketdienst' });
    expect(out).toMatchObject({ status: 'done', result: { id: 'paketdienst', kind: 'table', tariff: { surcharges: [] } } });
    const [cheap] = await booked(book());
    expect(cheap).toMatchObject({ carrierId: 'paketdienst', rate: { serviceId: 'paket', price: 99 } });

    await expect(
      client.send('shipment.book.v1', book({ parcels: [{ lines: [{ sku: 'LAMP', quantity: 2 }], weightGrams: 40000 }] }), { correlationId: randomUUID() }),
    ).rejects.toMatchObject({ status: 422, detail: expect.stringContaining('40000 g is over its 31500 g') });
  });

  it('when a booked label is voided with excludeCarrier, then the parcel is booked again with the other carrier; a parcel already scanned cannot be voided', async () => {
    const [first] = await booked(book({ parcels: [{ lines: [{ sku: 'LAMP', quantity: 2 }], weightGrams: 1000 }] }));
    const out = (await client.send(
      'shipment.cancel.v1',
      { shipmentId: first.shipmentId, reason: 'label damaged', excludeCarrier: true, actor: 'ops:test' },
      { correlationId: first.shipmentId },
    )) as { status: string; result: { cancelled: { status: string }; replacement: { shipmentId: string } } };
    expect(out.result.cancelled.status).toBe('cancelled');
    const replacement = (await (await fetch(`${service.url}/internal/shipments/${out.result.replacement.shipmentId}`)).json()) as any;
    expect(replacement).toMatchObject({ status: 'booked', parcel: 1, lines: [{ sku: 'LAMP', quantity: 2 }] });
    expect(replacement.carrierId).not.toBe(first.carrierId);
    await tap.settle();
    expect(tap.of<MessageData<'shipment.cancelled.v1'>>('shipment.cancelled.v1').find((e) => e.data.shipmentId === first.shipmentId)?.data).toMatchObject({
      reason: 'label damaged',
      replacedBy: out.result.replacement.shipmentId,
    });
    // Asked again (a retry): the same answer, nothing booked twice.
    const again = (await client.send(
      'shipment.cancel.v1',
      { shipmentId: first.shipmentId, reason: 'label damaged', excludeCarrier: true, actor: 'ops:test' },
      { correlationId: first.shipmentId },
    )) as typeof out;
    expect(again.result.replacement.shipmentId).toBe(out.result.replacement.shipmentId);

    await client.send(
      'shipment.record-tracking.v1',
      { carrierId: replacement.carrierId, trackingNumber: replacement.trackingNumber, status: 'in_transit', occurredAt: new Date().toISOString() },
      { correlationId: replacement.trackingNumber },
    );
    await expect(
      client.send('shipment.cancel.v1', { shipmentId: replacement.id, reason: 'too late', actor: 'ops:test' }, { correlationId: replacement.id }),
    ).rejects.toMatchObject({ status: 409 });
  });
});
