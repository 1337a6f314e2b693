import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import type { CommandClient } from '@oms/messaging';
import { DayIndex } from '@oms/mongo';
import { TestBus, TestStack, type BrokerTap } from '@oms/testing';
import { fulfillmentModel } from '../src/data-access/fulfillment-model';
import { FulfillmentRepository } from '../src/data-access/fulfillment-repository';
import { definition } from '../src/service';

const address = { name: 'Ada Lovelace', line1: '1 Analytical Way', postalCode: '10115', city: 'Berlin', country: 'DE' };
/** Order times from midnight (UTC) three days ahead: work is never due before it arrives (shipByOf), so tests order ahead. */
const BASE = Math.floor(Date.now() / 86_400_000) * 86_400_000 + 3 * 86_400_000;
const at = (hours: number) => new Date(BASE + hours * 3_600_000).toISOString();

/** The warehouse's day: queues by location and status, pick lists, picks, parcels, holds, hand-over, location scope. */
describe('fulfillment work queues', () => {
  let stack: TestStack;
  let url: string;
  let bus: TestBus;
  let commands: CommandClient;
  let tap: BrokerTap;

  beforeAll(async () => {
    stack = await TestStack.create();
    url = (await stack.start(definition, { HANDLING_HOURS: '{"express":2,"standard":48}' })).url;
    bus = await TestBus.open(stack.amqpUrl, ['fulfillment.#']);
    ({ commands, tap } = bus);
  });

  afterAll(async () => {
    await bus?.close();
    await stack.cleanup();
  });

  const getJson = async (path: string) => {
    const res = await fetch(`${url}${path}`);
    return { status: res.status, type: res.headers.get('content-type') ?? '', body: (await res.json()) as any };
  };
  const send = async (type: Parameters<CommandClient['send']>[0], data: any) => {
    const out = await commands.send(type, data, { correlationId: randomUUID() });
    return (out as { result: any }).result;
  };
  /** One order with one line at `locationId`, ordered at `orderedAt`. */
  const open = async (locationId: string, orderedAt: string, shippingMethod = 'standard', sku = 'SKU-1', quantity = 2) => {
    const orderId = `ord-${randomUUID()}`;
    await send('fulfillment.open.v1', { orderId, lines: [{ sku, quantity, locationId }], shippingAddress: address, shippingMethod, orderedAt });
    const [f] = (await getJson(`/internal/fulfillments?orderId=${orderId}`)).body;
    return f as { id: string; orderId: string; shipBy: string };
  };
  const queue = async (locationId: string, query = '') => (await getJson(`/internal/fulfillments?locationId=${locationId}${query}`)).body;

  it('when work is opened, then the location queue lists it by ship-by time (order time + handling hours of the method), in cursor pages', async () => {
    const loc = `wh-${randomUUID().slice(0, 8)}`;
    const late = await open(loc, at(8)); // standard: +48 h
    const urgent = await open(loc, at(33), 'express'); // express: +2 h
    const middle = await open(loc, at(20), 'standard');
    expect(urgent.shipBy).toBe(at(35));
    expect(late.shipBy).toBe(at(56));
    const first = await queue(loc, '&limit=2');
    expect(first.items.map((f: any) => f.id)).toEqual([urgent.id, late.id]);
    const second = await queue(loc, `&limit=2&cursor=${first.nextCursor}`);
    expect(second).toEqual({ items: [expect.objectContaining({ id: middle.id, status: 'open' })], nextCursor: null });
    expect((await queue(loc, '&sort=-shipBy')).items.map((f: any) => f.id)).toEqual([middle.id, late.id, urgent.id]);
    expect((await queue(`other-${loc}`)).items).toEqual([]);
    expect((await getJson(`/internal/fulfillments?locationId=${loc}&cursor=nonsense`)).status).toBe(422);
  });

  it('when work arrives after its ship-by time (a backorder served late), then it is due at once: listed before the work of later days', async () => {
    const loc = `wh-${randomUUID().slice(0, 8)}`;
    const ahead = await open(loc, at(8));
    const before = Date.now();
    const overdue = await open(loc, new Date(before - 10 * 86_400_000).toISOString());
    expect(Date.parse(overdue.shipBy)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(overdue.shipBy)).toBeLessThanOrEqual(Date.now());
    expect((await queue(loc)).items.map((f: any) => f.id)).toEqual([overdue.id, ahead.id]);
  });

  it('when the past days of the active queues hold no work any more, then the sweep drops them, and only them', async () => {
    const db = await mongoose.createConnection(stack.mongoUrl('fulfillment')).asPromise();
    try {
      const repository = new FulfillmentRepository(fulfillmentModel(db), new DayIndex(db, 'fulfillment_days'));
      const loc = `wh-${randomUUID().slice(0, 8)}`;
      const done = await open(loc, at(8)); // ship-by day BASE + 2
      const waiting = await open(loc, at(32)); // ship-by day BASE + 3, still open
      await send('fulfillment.pack.v1', { fulfillmentId: done.id, actor: 'packer-1' });
      await send('fulfillment.hand-over.v1', { fulfillmentId: done.id, actor: 'dock-1' });
      const openDays = () => repository.days.days(`queue:${loc}|open`);
      const [doneDay, waitingDay] = [done.shipBy.slice(0, 10), waiting.shipBy.slice(0, 10)];
      expect(await openDays()).toEqual([doneDay, waitingDay]);
      // A day only goes two days after it: not yet.
      await repository.dropEmptyActiveDays(new Date(Date.parse(`${doneDay}T12:00:00Z`) + 86_400_000));
      expect(await openDays()).toEqual([doneDay, waitingDay]);
      // Four days on: the empty day goes (from all four active queues), the one with work stays.
      await repository.dropEmptyActiveDays(new Date(Date.parse(`${doneDay}T12:00:00Z`) + 4 * 86_400_000));
      expect(await openDays()).toEqual([waitingDay]);
      expect(await repository.days.days(`queue:${loc}|packed`)).toEqual([waitingDay]);
      expect((await queue(loc)).items.map((f: any) => f.id)).toEqual([waiting.id]);
      expect((await queue(loc, '&status=handed_over')).items.map((f: any) => f.id)).toEqual([done.id]);
    } finally {
      await db.close();
    }
  });

  it('when a pick list is made, then the open work that must leave first (not held orders) goes to picking, grouped by bin and SKU, printable', async () => {
    const loc = `wh-${randomUUID().slice(0, 8)}`;
    const a = await open(loc, at(8), 'standard', 'SKU-A', 2);
    const b = await open(loc, at(9), 'standard', 'SKU-A', 1);
    const held = await open(loc, at(7), 'standard', 'SKU-B', 1);
    const later = await open(loc, at(81), 'standard', 'SKU-B', 1);
    await send('fulfillment.set-order-hold.v1', { orderId: held.orderId, held: true, reason: 'payment_review', version: 5 });
    const pickListId = randomUUID();
    const list = await send('fulfillment.create-pick-list.v1', { pickListId, locationId: loc, maxFulfillments: 2, actor: 'lead-1' });
    expect(list).toMatchObject({
      id: pickListId,
      locationId: loc,
      fulfillmentIds: [a.id, b.id],
      lines: [
        {
          bin: 'unassigned',
          sku: 'SKU-A',
          quantity: 3,
          for: [
            { fulfillmentId: a.id, quantity: 2 },
            { fulfillmentId: b.id, quantity: 1 },
          ],
        },
      ],
    });
    expect((await queue(loc, '&status=picking')).items.map((f: any) => [f.id, f.pickListId])).toEqual([
      [a.id, pickListId],
      [b.id, pickListId],
    ]);
    const stillOpen = (await queue(loc)).items;
    expect(stillOpen.map((f: any) => [f.id, f.orderOnHold ?? false])).toEqual([
      [held.id, true],
      [later.id, false],
    ]);
    // The same command again answers the same list.
    expect(await send('fulfillment.create-pick-list.v1', { pickListId, locationId: loc, maxFulfillments: 2, actor: 'lead-1' })).toEqual(list);
    const pdf = await fetch(`${url}/internal/pick-lists/${pickListId}/pdf`);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect((await pdf.arrayBuffer()).byteLength).toBeGreaterThan(800);
    await tap.settle();
    expect(tap.events('fulfillment.picking.v1', a.orderId).map((e) => e.data)).toEqual([
      { orderId: a.orderId, fulfillmentId: a.id, locationId: loc, pickListId, actor: 'lead-1' },
    ]);
    // Only held work is left: nothing to pick.
    await send('fulfillment.create-pick-list.v1', { pickListId: randomUUID(), locationId: loc, maxFulfillments: 1, actor: 'lead-1' });
    await expect(
      commands.send(
        'fulfillment.create-pick-list.v1',
        { pickListId: randomUUID(), locationId: loc, maxFulfillments: 5, actor: 'lead-1' },
        { correlationId: loc },
      ),
    ).rejects.toMatchObject({ status: 409 });
  });

  it('when a fulfillment is picked whole, packed in two parcels and handed over, then it moves through the queues and into the handed-over day', async () => {
    const loc = `wh-${randomUUID().slice(0, 8)}`;
    const f = await open(loc, at(8), 'standard', 'SKU-P', 3);
    const picked = await send('fulfillment.pick.v1', { fulfillmentId: f.id, lines: [{ sku: 'SKU-P', quantity: 3 }], actor: 'picker-1' });
    expect(picked).toMatchObject({ status: 'picking', pickedBy: 'picker-1' });
    await expect(
      commands.send(
        'fulfillment.pack.v1',
        { fulfillmentId: f.id, parcels: [{ lines: [{ sku: 'SKU-P', quantity: 2 }], weightGrams: 900 }], actor: 'packer-1' },
        { correlationId: f.id },
      ),
    ).rejects.toMatchObject({ status: 422, errors: [{ path: 'parcels', message: 'SKU-P: 2 packed, the fulfillment ships 3' }] });
    const parcels = [
      { lines: [{ sku: 'SKU-P', quantity: 2 }], weightGrams: 900, dimensions: { lengthCm: 30, widthCm: 20, heightCm: 10 } },
      { lines: [{ sku: 'SKU-P', quantity: 1 }], weightGrams: 450 },
    ];
    expect(await send('fulfillment.pack.v1', { fulfillmentId: f.id, parcels, actor: 'packer-1' })).toMatchObject({ status: 'packed', parcels });
    expect((await queue(loc, '&status=packed')).items.map((x: any) => x.id)).toEqual([f.id]);
    expect(await send('fulfillment.hand-over.v1', { fulfillmentId: f.id, actor: 'dock-1' })).toMatchObject({ status: 'handed_over', handedOverBy: 'dock-1' });
    expect((await queue(loc, '&status=packed')).items).toEqual([]);
    expect((await queue(loc, '&status=handed_over')).items.map((x: any) => x.id)).toEqual([f.id]);
    await tap.settle();
    expect(tap.events('fulfillment.packed.v1', f.orderId)[0].data.parcels).toEqual(parcels);
    expect(tap.events('fulfillment.picked.v1', f.orderId)).toHaveLength(1);
    expect(tap.events('fulfillment.handed-over.v1', f.orderId).map((e) => e.data.actor)).toEqual(['dock-1']);
    // With the ship-by time it had to meet: reports count the hand-overs on time (docs/reports.md).
    expect(tap.events('fulfillment.handed-over.v1', f.orderId)[0].data.shipBy).toBe(new Date(f.shipBy).toISOString());
    const slip = await fetch(`${url}/internal/fulfillments/${f.id}/packing-slip`);
    expect(slip.headers.get('content-type')).toBe('application/pdf');
  });

  it('when fewer units are found than ordered, then the pick is a short pick: the rest comes off and is reported', async () => {
    const loc = `wh-${randomUUID().slice(0, 8)}`;
    const f = await open(loc, at(8), 'standard', 'SKU-S', 3);
    const short = await send('fulfillment.pick.v1', { fulfillmentId: f.id, lines: [{ sku: 'SKU-S', quantity: 1 }], actor: 'picker-1' });
    expect(short).toMatchObject({ status: 'picking', lines: [{ sku: 'SKU-S', quantity: 1 }] });
    await tap.settle();
    expect(tap.events('fulfillment.short-picked.v1', f.orderId).map((e) => e.data.lines)).toEqual([[{ sku: 'SKU-S', missing: 2 }]]);
    // Nothing found at all: the fulfillment is cancelled, in the cancelled queue.
    const g = await open(loc, at(9), 'standard', 'SKU-S', 1);
    expect(await send('fulfillment.pick.v1', { fulfillmentId: g.id, lines: [{ sku: 'SKU-S', quantity: 0 }], actor: 'picker-1' })).toMatchObject({
      status: 'cancelled',
    });
    expect((await queue(loc, '&status=cancelled')).items.map((x: any) => x.id)).toEqual([g.id]);
  });

  it('when the order is on hold, then its work cannot be packed until a newer word lifts the hold; an older word changes nothing', async () => {
    const loc = `wh-${randomUUID().slice(0, 8)}`;
    const f = await open(loc, at(8));
    await send('fulfillment.set-order-hold.v1', { orderId: f.orderId, held: true, reason: 'payment_review', version: 10 });
    await expect(commands.send('fulfillment.pack.v1', { fulfillmentId: f.id, actor: 'packer-1' }, { correlationId: f.id })).rejects.toMatchObject({
      status: 409,
      detail: expect.stringContaining('on hold (payment_review)'),
    });
    await send('fulfillment.set-order-hold.v1', { orderId: f.orderId, held: false, version: 9 });
    await expect(commands.send('fulfillment.pack.v1', { fulfillmentId: f.id, actor: 'packer-1' }, { correlationId: f.id })).rejects.toMatchObject({
      status: 409,
    });
    await send('fulfillment.set-order-hold.v1', { orderId: f.orderId, held: false, version: 11 });
    expect(await send('fulfillment.pack.v1', { fulfillmentId: f.id, actor: 'packer-1' })).toMatchObject({ status: 'packed' });
  });

  it("when a location's key works on another location's fulfillment, then it is not found; at its own it works", async () => {
    const loc = `wh-${randomUUID().slice(0, 8)}`;
    const f = await open(loc, at(8));
    for (const [type, data] of [
      ['fulfillment.pack.v1', { fulfillmentId: f.id }],
      ['fulfillment.pick.v1', { fulfillmentId: f.id, lines: [{ sku: 'SKU-1', quantity: 2 }] }],
      ['fulfillment.hand-over.v1', { fulfillmentId: f.id }],
      ['fulfillment.report-short-pick.v1', { fulfillmentId: f.id, lines: [{ sku: 'SKU-1', missing: 1 }] }],
      ['fulfillment.create-pick-list.v1', { pickListId: randomUUID(), locationId: loc, maxFulfillments: 5 }],
    ] as const)
      await expect(commands.send(type, { ...data, actor: 'store-9', locations: ['store-9'] } as never, { correlationId: f.id })).rejects.toMatchObject({
        status: 404,
      });
    expect(await send('fulfillment.pack.v1', { fulfillmentId: f.id, actor: 'staff', locations: [loc] })).toMatchObject({ status: 'packed' });
  });

  it('when wrong pickup codes are tried ten times, then collecting is locked until a new code is issued, and the new code collects', async () => {
    const loc = `st-${randomUUID().slice(0, 8)}`;
    const orderId = `ord-${randomUUID()}`;
    await send('fulfillment.open.v1', {
      orderId,
      lines: [{ sku: 'SKU-C', quantity: 1, locationId: loc }],
      shippingAddress: address,
      shippingMethod: 'pickup',
      pickup: true,
      orderedAt: at(8),
    });
    const [f] = (await getJson(`/internal/fulfillments?orderId=${orderId}`)).body;
    expect(f).toMatchObject({ pickup: true, shipBy: at(12) });
    const issued = async () => {
      await send('fulfillment.mark-ready-for-pickup.v1', { fulfillmentId: f.id, actor: 'store-1' });
      await tap.settle();
      return tap.events('fulfillment.ready-for-pickup.v1', orderId).pop()!.data.pickupCode as string;
    };
    const first = await issued();
    const collect = (code: string) => commands.send('fulfillment.collect.v1', { fulfillmentId: f.id, code, actor: 'store-1' }, { correlationId: f.id });
    const wrong = first === '999999' ? '888888' : '999999';
    for (let i = 0; i < 10; i++) await expect(collect(wrong)).rejects.toMatchObject({ status: 422 });
    await expect(collect(first)).rejects.toMatchObject({ status: 409, detail: expect.stringContaining('10 wrong pickup codes') });
    const second = await issued();
    if (second !== first) await expect(collect(first)).rejects.toMatchObject({ status: 422 });
    expect(await collect(second)).toMatchObject({ status: 'done', result: { status: 'collected', collectedBy: 'store-1' } });
    expect((await queue(loc, '&status=collected')).items.map((x: any) => x.id)).toEqual([f.id]);
  });
});
