import { randomUUID } from 'node:crypto';
import type { MessageData } from '@oms/contracts';
import type { CommandClient } from '@oms/messaging';
import type { RunningService } from '@oms/runtime';
import { createCarrierSandbox, serve, type CarrierSandboxControl, type RunningSandbox } from '@oms/sandboxes';
import { TestBus, TestStack, eventually, type BrokerTap } from '@oms/testing';
import { definition } from '../src/service';

/** A carrier whose tracking is polled from its API (`tracking: "poll"`) instead of pushed by webhook. */
describe('carrier tracking by polling', () => {
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
    service = (await stack.start(definition, { CARRIER_SANDBOX_URL: sandbox.url, TRACKING_POLL_MS: '200' })) as RunningService<unknown>;
    bus = await TestBus.open(stack.amqpUrl, ['shipment.#']);
    ({ commands: client, tap } = bus);
  });

  afterAll(async () => {
    await bus?.close();
    await stack?.cleanup();
    await sandbox?.close();
  });

  const updatesOf = (shipmentId: string) =>
    tap.of<MessageData<'shipment.tracking-updated.v1'>>('shipment.tracking-updated.v1').filter((e) => e.data.shipmentId === shipmentId);

  it('when the sandbox carrier is polled, then its scans of a parcel on its way are recorded once each, however often they are read', async () => {
    const configured = await client.send('carrier.configure.v1', { carrierId: 'sandbox', tracking: 'poll', actor: 'ops:test' }, { correlationId: 'sandbox' });
    expect(configured).toMatchObject({ status: 'done', result: { id: 'sandbox', tracking: 'poll' } });
    const orderId = `ord-${randomUUID()}`;
    await bus.broker.publish(
      'shipment.book.v1',
      {
        orderId,
        fulfillmentId: `ful-${randomUUID()}`,
        locationId: 'wh-berlin',
        shippingAddress: { name: 'Ada Lovelace', line1: 'Hauptstr. 1', postalCode: '10115', city: 'Berlin', country: 'DE' },
        shippingMethod: 'standard',
        lines: [{ sku: 'SKU-1', quantity: 1 }],
      },
      { correlationId: orderId },
    );
    const booked = (await eventually(() => tap.of<MessageData<'shipment.booked.v1'>>('shipment.booked.v1').find((e) => e.data.orderId === orderId))) as {
      data: MessageData<'shipment.booked.v1'>;
    };
    const { shipmentId, trackingNumber } = booked.data;
    control.scan(trackingNumber, 'in_transit', '2026-12-07T08:00:00.000Z', 'Hub Leipzig');
    control.scan(trackingNumber, 'delivered', '2026-12-07T12:00:00.000Z');
    await eventually(() => updatesOf(shipmentId).length === 2, 15000);
    // Several more passes read the same scans: nothing new is recorded.
    await new Promise((r) => setTimeout(r, 1000));
    await tap.settle();
    // The two scans may be recorded in either order (two commands): each once, and delivered stands either way.
    const updates = updatesOf(shipmentId);
    expect(updates.map((e) => e.data.status).sort()).toEqual(['delivered', 'in_transit']);
    expect(updates.find((e) => e.data.status === 'delivered')?.data.shipmentStatus).toBe('delivered');
    const shipment = (await (await fetch(`${service.url}/internal/shipments/${shipmentId}`)).json()) as { status: string; tracking: unknown[] };
    expect(shipment.status).toBe('delivered');
    expect(shipment.tracking).toHaveLength(2);
  });
});
