import { randomUUID } from 'node:crypto';
import type { CommandClient } from '@oms/messaging';
import { TestBus, TestStack, eventually, type BrokerTap } from '@oms/testing';
import { definition } from '../src/service';

const address = { name: 'Ada Lovelace', line1: '1 Analytical Way', postalCode: '10115', city: 'Berlin', country: 'DE' };

describe('fulfillment', () => {
  let stack: TestStack;
  let url: string;
  let bus: TestBus;
  let commands: CommandClient;
  let tap: BrokerTap;

  beforeAll(async () => {
    stack = await TestStack.create();
    url = (await stack.start(definition)).url;
    bus = await TestBus.open(stack.amqpUrl, ['fulfillment.#', 'command.refused.v1']);
    ({ commands, tap } = bus);
  });

  afterAll(async () => {
    await bus?.close();
    await stack.cleanup();
  });

  const eventsOf = (type: string, orderId: string) => tap.events(type, orderId);
  /** Every event published before now has reached the tap. */
  const settle = () => tap.settle();
  const getJson = async (path: string) => {
    const res = await fetch(`${url}${path}`);
    return { status: res.status, type: res.headers.get('content-type') ?? '', body: (await res.json()) as any };
  };
  /** An order with work at two locations: WH1 (two SKUs, one of them allocated twice) and ST1. */
  const openOrder = async () => {
    const orderId = `ord-${randomUUID()}`;
    const lines = [
      { sku: 'SKU-1', quantity: 1, locationId: 'WH1' },
      { sku: 'SKU-2', quantity: 2, locationId: 'WH1' },
      { sku: 'SKU-1', quantity: 3, locationId: 'WH1' },
      { sku: 'SKU-3', quantity: 1, locationId: 'ST1' },
    ];
    await commands.send('fulfillment.open.v1', { orderId, lines, shippingAddress: address, shippingMethod: 'standard' }, { correlationId: orderId });
    const { body } = await getJson(`/internal/fulfillments?orderId=${orderId}`);
    const byLocation = Object.fromEntries((body as Array<{ locationId: string; id: string }>).map((f) => [f.locationId, f]));
    return { orderId, list: body as any[], wh1: byLocation.WH1 as any, st1: byLocation.ST1 as any };
  };
  const pack = (fulfillmentId: string, actor = 'packer-1') => commands.send('fulfillment.pack.v1', { fulfillmentId, actor }, { correlationId: fulfillmentId });

  it('when an order is opened (twice), then one open fulfillment per location is listed with merged lines and opened once', async () => {
    const { orderId, list, wh1, st1 } = await openOrder();
    expect(list).toHaveLength(2);
    expect(wh1).toMatchObject({
      orderId,
      status: 'open',
      shippingMethod: 'standard',
      lines: [
        { sku: 'SKU-1', quantity: 4 },
        { sku: 'SKU-2', quantity: 2 },
      ],
    });
    expect(st1).toMatchObject({ orderId, status: 'open', lines: [{ sku: 'SKU-3', quantity: 1 }] });
    expect(wh1).not.toHaveProperty('outbox');
    // The same command again changes nothing.
    await commands.send(
      'fulfillment.open.v1',
      { orderId, lines: [{ sku: 'SKU-3', quantity: 1, locationId: 'ST1' }], shippingAddress: address, shippingMethod: 'standard' },
      { correlationId: orderId },
    );
    expect((await getJson(`/internal/fulfillments?orderId=${orderId}`)).body).toHaveLength(2);
    await settle();
    expect(
      eventsOf('fulfillment.opened.v1', orderId)
        .map((e) => e.data.locationId)
        .sort(),
    ).toEqual(['ST1', 'WH1']);
  });

  it('when a fulfillment is packed (twice), then it is packed by the actor and fulfillment.packed.v1 is published once', async () => {
    const { orderId, wh1 } = await openOrder();
    const first = await pack(wh1.id);
    expect(first).toMatchObject({ status: 'done', result: { id: wh1.id, orderId, locationId: 'WH1', status: 'packed', packedBy: 'packer-1' } });
    const second = await pack(wh1.id, 'packer-2');
    expect(second).toEqual(first);
    const { body } = await getJson(`/internal/fulfillments/${wh1.id}`);
    expect(body).toMatchObject({ status: 'packed', packedBy: 'packer-1' });
    expect(typeof body.packedAt).toBe('string');
    await settle();
    const packed = eventsOf('fulfillment.packed.v1', orderId);
    expect(packed).toHaveLength(1);
    expect(packed[0].data).toEqual({ orderId, fulfillmentId: wh1.id, locationId: 'WH1', lines: wh1.lines, actor: 'packer-1' });
  });

  it('when an unknown fulfillment is packed, then the command is refused with a 404 problem', async () => {
    await expect(pack('no-such-fulfillment')).rejects.toMatchObject({ status: 404, title: 'Not Found' });
  });

  it('when an order is cancelled (twice), then its open fulfillments are cancelled once and packed ones stay packed', async () => {
    const { orderId, wh1, st1 } = await openOrder();
    await pack(st1.id);
    const id = randomUUID();
    const out = await commands.send('fulfillment.cancel.v1', { orderId }, { correlationId: orderId, id });
    expect(out).toEqual({ status: 'done', result: { cancelled: [wh1.id] } });
    // Delivered again: the same answer, nothing published again.
    expect(await commands.send('fulfillment.cancel.v1', { orderId }, { correlationId: orderId, id })).toEqual(out);
    expect((await getJson(`/internal/fulfillments/${wh1.id}`)).body.status).toBe('cancelled');
    expect((await getJson(`/internal/fulfillments/${st1.id}`)).body.status).toBe('packed');
    await expect(pack(wh1.id)).rejects.toMatchObject({ status: 409 });
    await settle();
    expect(eventsOf('fulfillment.cancelled.v1', orderId).map((e) => e.data)).toEqual([{ orderId, fulfillmentIds: [wh1.id] }]);
  });

  it('when a pack nobody waits for (the gateway answered 202) meets a cancelled fulfillment, then the refusal goes on its order', async () => {
    const { orderId, wh1 } = await openOrder();
    await commands.send('fulfillment.cancel.v1', { orderId }, { correlationId: orderId });
    const command = await bus.broker.publish('fulfillment.pack.v1', { fulfillmentId: wh1.id, actor: 'packer-1' }, { correlationId: wh1.id });
    const refused = await eventually(() => tap.events('command.refused.v1', wh1.id)[0]);
    expect(refused).toMatchObject({ producer: 'fulfillment', causationId: command.id });
    expect(refused.data).toEqual({
      orderId,
      command: 'fulfillment.pack.v1',
      commandId: command.id,
      status: 409,
      title: 'Conflict',
      detail: `fulfillment ${wh1.id} is cancelled and cannot be packed`,
    });
    // Asked directly, the caller is told the same, with the order named.
    await expect(pack(wh1.id)).rejects.toMatchObject({ status: 409, extensions: { orderId } });
  });

  it('when a short pick is reported (twice), then the units come off, it is published once, and a fulfillment left empty is cancelled', async () => {
    const { orderId, wh1, st1 } = await openOrder();
    const shortPick = (fulfillmentId: string, lines: Array<{ sku: string; missing: number }>, id?: string) =>
      commands.send('fulfillment.report-short-pick.v1', { fulfillmentId, lines, actor: 'picker-1' }, { correlationId: fulfillmentId, ...(id ? { id } : {}) });
    const id = randomUUID();
    const first = await shortPick(wh1.id, [{ sku: 'SKU-1', missing: 1 }], id);
    expect(first).toMatchObject({
      status: 'done',
      result: {
        id: wh1.id,
        status: 'open',
        lines: [
          { sku: 'SKU-1', quantity: 3 },
          { sku: 'SKU-2', quantity: 2 },
        ],
      },
    });
    expect(await shortPick(wh1.id, [{ sku: 'SKU-1', missing: 1 }], id)).toEqual(first);
    await expect(shortPick(wh1.id, [{ sku: 'SKU-3', missing: 1 }])).rejects.toMatchObject({
      status: 422,
      errors: [{ path: 'lines.0.sku', message: expect.any(String) }],
    });
    const emptied = await shortPick(st1.id, [{ sku: 'SKU-3', missing: 1 }]);
    expect(emptied).toMatchObject({ result: { status: 'cancelled', lines: [] } });
    await expect(shortPick(st1.id, [{ sku: 'SKU-3', missing: 1 }])).rejects.toMatchObject({ status: 409 });
    await settle();
    expect(eventsOf('fulfillment.short-picked.v1', orderId).map((e) => [e.data.fulfillmentId, e.data.emptied])).toEqual([
      [wh1.id, false],
      [st1.id, true],
    ]);
  });

  it('when 20 pack commands for one fulfillment arrive at once, then all answer packed and exactly one fulfillment.packed.v1 is published', async () => {
    const { orderId, wh1 } = await openOrder();
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => pack(wh1.id, `packer-${i}`)));
    for (const a of answers) expect(a).toMatchObject({ status: 'done', result: { status: 'packed' } });
    // Every answer shows the one packer who won.
    expect(new Set(answers.map((a) => (a as { result: { packedBy: string } }).result.packedBy)).size).toBe(1);
    await settle();
    expect(eventsOf('fulfillment.packed.v1', orderId)).toHaveLength(1);
  });

  it('when fulfillments are queried without an orderId or by an unknown id, then a problem is answered', async () => {
    const missing = await getJson('/internal/fulfillments');
    expect(missing.status).toBe(422);
    expect(missing.type).toContain('application/problem+json');
    const unknown = await getJson('/internal/fulfillments/nope');
    expect(unknown.status).toBe(404);
    expect(unknown.type).toContain('application/problem+json');
  });
});
