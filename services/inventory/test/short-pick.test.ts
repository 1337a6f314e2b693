import { randomUUID } from 'node:crypto';
import { TestStack, eventually } from '@oms/testing';
import { InventoryHarness } from './harness';

describe('inventory: a short pick', () => {
  let stack: TestStack;
  let inv: InventoryHarness;

  beforeAll(async () => {
    stack = await TestStack.create();
    inv = await InventoryHarness.start(stack);
    await inv.location('SP-A');
    await inv.location('SP-B');
  });
  afterAll(async () => {
    await inv?.close();
    await stack?.cleanup();
  });

  const audit = async () => (await inv.get('/internal/inventory-audit')).body;

  it('when units are missing on the shelf, then they leave reserved and on hand there, are reserved elsewhere once (a redelivery changes nothing), and the ledger accounts for it', async () => {
    await inv.receive('SP-X', 'SP-A', 3);
    await inv.receive('SP-X', 'SP-B', 5);
    const orderId = `o-${randomUUID()}`;
    expect(await inv.send('stock.reserve.v1', { orderId, lines: [{ sku: 'SP-X', quantity: 3 }] })).toMatchObject({
      lines: [{ locationId: 'SP-A', quantity: 3 }],
    });

    const command = { orderId, locationId: 'SP-A', lines: [{ sku: 'SP-X', missing: 2 }], excludeLocationIds: ['SP-A'] };
    const id = randomUUID();
    const first = await inv.send('stock.short-pick.v1', command, { id });
    const again = await inv.send('stock.short-pick.v1', command, { id });
    expect(first.lines).toEqual([
      { sku: 'SP-X', locationId: 'SP-A', quantity: 1 },
      { sku: 'SP-X', locationId: 'SP-B', quantity: 2 },
    ]);
    expect(again.lines).toEqual(first.lines);
    const event = await inv.tap.next('stock.reallocated.v1', orderId);
    expect(event.data).toMatchObject({
      corrected: [{ sku: 'SP-X', locationId: 'SP-A', missing: 2 }],
      lines: [{ locationId: 'SP-B', quantity: 2 }],
      unfilled: [],
    });

    const stock = await inv.stock('SP-X');
    expect(stock.locations).toEqual([
      expect.objectContaining({ locationId: 'SP-A', onHand: 1, reserved: 1 }),
      expect.objectContaining({ locationId: 'SP-B', onHand: 5, reserved: 2 }),
    ]);
    expect(await audit()).toMatchObject({ consistent: true });

    // Shipping consumes what the reservation holds now, at both locations.
    await inv.send('stock.consume.v1', { orderId });
    expect(await inv.stock('SP-X')).toMatchObject({ onHand: 3, reserved: 0 });
    expect(await audit()).toMatchObject({ consistent: true });
  });

  it('when no other location has the units, then the count is still corrected and the event says what was not found', async () => {
    await inv.receive('SP-Y', 'SP-A', 2);
    const orderId = `o-${randomUUID()}`;
    await inv.send('stock.reserve.v1', { orderId, lines: [{ sku: 'SP-Y', quantity: 2 }] });
    await inv.send('stock.short-pick.v1', { orderId, locationId: 'SP-A', lines: [{ sku: 'SP-Y', missing: 1 }], excludeLocationIds: [] });
    expect((await inv.tap.next('stock.reallocated.v1', orderId)).data).toMatchObject({ lines: [], unfilled: [{ sku: 'SP-Y', missing: 1 }] });
    expect(await inv.stock('SP-Y')).toMatchObject({ onHand: 1, reserved: 1 });
    expect(await audit()).toMatchObject({ consistent: true });
  });

  /** A reservation short-picked by `missing` of its `quantity` SKU-units at SP-A, with no other location holding any. */
  const shortPicked = async (sku: string, quantity: number, missing: number) => {
    await inv.receive(sku, 'SP-A', quantity);
    const orderId = `o-${randomUUID()}`;
    await inv.send('stock.reserve.v1', { orderId, lines: [{ sku, quantity }] });
    await inv.send('stock.short-pick.v1', { orderId, locationId: 'SP-A', lines: [{ sku, missing }], excludeLocationIds: [] });
    await inv.tap.next('stock.reallocated.v1', orderId);
    return orderId;
  };
  const reallocations = (orderId: string) => inv.tap.of('stock.reallocated.v1', orderId).map((e) => e.data);

  it('when the customer waits for the missing units, then they are backordered on top of the reservation and added when stock arrives', async () => {
    const orderId = await shortPicked('SP-W', 3, 2);
    await inv.send('stock.supplement.v1', { orderId, lines: [{ sku: 'SP-W', quantity: 2 }], backorder: true });
    expect(await eventually(() => reallocations(orderId)[1])).toMatchObject({ lines: [], unfilled: [{ sku: 'SP-W', missing: 2 }], backordered: true });
    expect(await inv.stock('SP-W')).toMatchObject({ onHand: 1, reserved: 1 });

    // Stock arrives at another location: the backorder pass adds it to the reservation, once.
    await inv.receive('SP-W', 'SP-B', 5);
    const served = await eventually(() => reallocations(orderId)[2]);
    expect(served).toMatchObject({ corrected: [], lines: [{ sku: 'SP-W', locationId: 'SP-B', quantity: 2 }], unfilled: [] });
    expect(served.reason).toMatch(/^backorder served first in, first out/);
    expect(await inv.stock('SP-W')).toMatchObject({ onHand: 6, reserved: 3 });
    expect(await audit()).toMatchObject({ consistent: true });

    // Shipping consumes both parts; no later pass adds them again.
    await inv.send('stock.consume.v1', { orderId });
    await inv.receive('SP-W', 'SP-B', 1);
    expect(await inv.stock('SP-W')).toMatchObject({ onHand: 4, reserved: 0 });
    expect(reallocations(orderId)).toHaveLength(3);
  });

  it('when an order waiting for units is released, then they leave the queue: the next in line gets the stock that arrives', async () => {
    const released = await shortPicked('SP-V', 2, 1);
    const next = await shortPicked('SP-V', 1, 1);
    for (const orderId of [released, next]) {
      await inv.send('stock.supplement.v1', { orderId, lines: [{ sku: 'SP-V', quantity: 1 }], backorder: true });
      await eventually(() => reallocations(orderId)[1]);
    }
    // The release gives back the unit the first order held (at SP-A): it goes to the next in line, and so
    // would a receipt; the released order takes nothing more.
    await inv.send('stock.release.v1', { orderId: released });
    await inv.receive('SP-V', 'SP-B', 1);
    expect(await eventually(() => reallocations(next)[2])).toMatchObject({ lines: [{ sku: 'SP-V', quantity: 1 }], unfilled: [] });
    expect(reallocations(released)).toHaveLength(2);
    expect(await inv.stock('SP-V')).toMatchObject({ reserved: 1 });
    expect(await audit()).toMatchObject({ consistent: true });
  });
});
