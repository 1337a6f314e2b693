import { randomUUID } from 'node:crypto';
import { TestStack, eventually, expectNothingWithin } from '@oms/testing';
import { InventoryHarness } from './harness';

describe('inventory planning through the service', () => {
  let stack: TestStack;
  let inv: InventoryHarness;

  beforeAll(async () => {
    stack = await TestStack.create();
    inv = await InventoryHarness.start(stack);
    await inv.location('WH-P');
  });
  afterAll(async () => {
    await inv?.close();
    await stack?.cleanup();
  });

  it('when safety stock is set, then it is kept back from sale and an order cannot take it', async () => {
    await inv.receive('SAFE-1', 'WH-P', 10);
    await inv.send('stock.set-levels.v1', { sku: 'SAFE-1', locationId: 'WH-P', safetyStock: 4, reorderPoint: 0, actor: 'ops:test' });
    expect(await inv.stock('SAFE-1')).toMatchObject({ onHand: 10, safetyStock: 4, available: 6 });
    const short = await inv.send('stock.reserve.v1', { orderId: `o-${randomUUID()}`, lines: [{ sku: 'SAFE-1', quantity: 7 }] });
    expect(short).toMatchObject({ status: 'short', shortLines: [{ sku: 'SAFE-1', requested: 7, available: 6 }] });
    expect(await inv.send('stock.reserve.v1', { orderId: `o-${randomUUID()}`, lines: [{ sku: 'SAFE-1', quantity: 6 }] })).toMatchObject({ status: 'active' });
  });

  it('when available falls to the reorder point, then stock.low.v1 is published once, and the SKU is listed below its reorder point', async () => {
    await inv.receive('LOW-1', 'WH-P', 10);
    await inv.send('stock.set-levels.v1', { sku: 'LOW-1', locationId: 'WH-P', safetyStock: 0, reorderPoint: 5, actor: 'ops:test' });
    // Distinct events: delivery is at least once, so the same event (same id) may arrive twice.
    const lowEvents = () => [...new Map(inv.tap.events.filter((e) => e.type === 'stock.low.v1' && e.data.sku === 'LOW-1').map((e) => [e.id, e])).values()];
    await inv.send('stock.reserve.v1', { orderId: `o-${randomUUID()}`, lines: [{ sku: 'LOW-1', quantity: 4 }] }); // 6 left: above
    expect((await inv.get('/internal/inventory?belowReorderPoint=true')).body.items.map((i: { sku: string }) => i.sku)).not.toContain('LOW-1');
    await inv.send('stock.reserve.v1', { orderId: `o-${randomUUID()}`, lines: [{ sku: 'LOW-1', quantity: 1 }] }); // 5 left: at it
    await eventually(() => lowEvents().length === 1);
    expect(lowEvents()[0]!.data).toEqual({ sku: 'LOW-1', locationId: 'WH-P', available: 5, reorderPoint: 5 });
    // Further down is not a new crossing; a write-off that crosses again after a receipt is.
    await inv.send('stock.reserve.v1', { orderId: `o-${randomUUID()}`, lines: [{ sku: 'LOW-1', quantity: 1 }] });
    await inv.receive('LOW-1', 'WH-P', 10); // 14 available
    await inv.send('stock.record-movements.v1', {
      movements: [{ sku: 'LOW-1', locationId: 'WH-P', quantity: -10, type: 'write_off', reason: 'water damage' }],
      actor: 'ops:test',
    });
    await eventually(() => lowEvents().length === 2);
    expect(lowEvents()[1]!.data).toMatchObject({ available: 4, reorderPoint: 5 });
    const below = (await inv.get('/internal/inventory?belowReorderPoint=true')).body.items;
    expect(below).toContainEqual({ sku: 'LOW-1', locationId: 'WH-P', onHand: 10, reserved: 6, safetyStock: 0, available: 4, reorderPoint: 5 });
  });

  it('when a receipt brings available back above the reorder point, then stock.replenished.v1 is published once; a receipt that stays at or below it is no news', async () => {
    await inv.receive('REP-1', 'WH-P', 3);
    await inv.send('stock.set-levels.v1', { sku: 'REP-1', locationId: 'WH-P', safetyStock: 0, reorderPoint: 5, actor: 'ops:test' });
    const replenished = () => [
      ...new Map(inv.tap.events.filter((e) => e.type === 'stock.replenished.v1' && e.data.sku === 'REP-1').map((e) => [e.id, e])).values(),
    ];
    await inv.receive('REP-1', 'WH-P', 2); // 5 available: at the reorder point, still low
    await inv.receive('REP-1', 'WH-P', 10); // 15: above it
    await eventually(() => replenished().length === 1);
    expect(replenished()[0]!.data).toEqual({ sku: 'REP-1', locationId: 'WH-P', available: 15, reorderPoint: 5 });
    await inv.receive('REP-1', 'WH-P', 1); // already above: nothing new
    // The first came within the eventually above; a second would come as fast (published with the receipt).
    await expectNothingWithin(1000, () => replenished().length > 1, 'a second stock.replenished.v1');
  });

  it('when a receipt is expected, then it shows as incoming until a receipt with its reference arrives', async () => {
    const expected = await inv.send('stock.expect.v1', {
      sku: 'INC-1',
      locationId: 'WH-P',
      quantity: 30,
      expectedAt: '2026-12-10',
      reference: 'PO-900',
      actor: 'ops:test',
    });
    expect(expected).toMatchObject({ status: 'open', quantity: 30, expectedAt: '2026-12-10' });
    expect((await inv.stock('INC-1')).incoming).toEqual([
      expect.objectContaining({ locationId: 'WH-P', quantity: 30, expectedAt: '2026-12-10', reference: 'PO-900' }),
    ]);
    await inv.send('stock.record-movements.v1', {
      movements: [{ sku: 'INC-1', locationId: 'WH-P', quantity: 30, type: 'receipt', reference: 'PO-900' }],
      actor: 'ops:test',
    });
    expect(await inv.stock('INC-1')).toMatchObject({ onHand: 30, incoming: [] });
    await expect(
      inv.send('stock.expect.v1', { sku: 'INC-1', locationId: 'NOWHERE', quantity: 1, expectedAt: '2026-12-10', reference: 'PO-901', actor: 'ops:test' }),
    ).rejects.toMatchObject({
      status: 422,
      errors: [{ path: 'locationId', message: 'location NOWHERE does not exist' }],
    });
  });

  it('when a SKU sells, then replenishment suggests what to reorder and the forecast says when it runs out', async () => {
    await inv.send('sku.configure.v1', { sku: 'VEL-1', leadTimeDays: 10, substitutes: [], actor: 'ops:test' });
    await inv.receive('VEL-1', 'WH-P', 40);
    // 30 units leave with shipments today: 1 per day over a 30-day window.
    for (let i = 0; i < 3; i++) {
      const orderId = `o-${randomUUID()}`;
      await inv.send('stock.reserve.v1', { orderId, lines: [{ sku: 'VEL-1', quantity: 10 }] });
      await inv.send('stock.consume.v1', { orderId });
    }
    await inv.send('stock.expect.v1', { sku: 'VEL-1', locationId: 'WH-P', quantity: 5, expectedAt: '2026-12-01', reference: 'PO-VEL', actor: 'ops:test' });
    const plan = (await inv.get('/internal/inventory-replenishment?days=30&reviewDays=7')).body;
    // Target 1/day × (10 + 7) = 17; position 10 on hand + 5 incoming = 15: order 2.
    expect(plan.items).toContainEqual(expect.objectContaining({ sku: 'VEL-1', velocityPerDay: 1, target: 17, position: 15, suggestedQuantity: 2 }));
    const forecastLine = (await inv.get('/internal/inventory-forecast?sku=VEL-1')).body.items[0];
    expect(forecastLine).toMatchObject({ sku: 'VEL-1', velocityPerDay: 1, available: 10, daysOfCover: 10 });
    expect((await inv.get('/internal/inventory-forecast?days=0')).status).toBe(422);
  });
});
