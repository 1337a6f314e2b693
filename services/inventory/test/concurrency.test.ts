import { randomUUID } from 'node:crypto';
import type { Model } from 'mongoose';
import { TestStack, eventually } from '@oms/testing';
import { InventoryHarness } from './harness';

describe('inventory under concurrent commands', () => {
  let stack: TestStack;
  let inv: InventoryHarness;

  beforeAll(async () => {
    stack = await TestStack.create();
    inv = await InventoryHarness.start(stack);
    await inv.location('WH-1');
    await inv.location('WH-2');
  });
  afterAll(async () => {
    await inv?.close();
    await stack?.cleanup();
  });

  /** Figures straight from the stored documents, to hold GET inventory against. */
  async function ledgerFigures(sku: string) {
    const db = inv.running.ctx.db;
    const movements = await (db.model('Movement') as Model<any>).find({ sku }).lean<Array<{ quantity: number }>>();
    const active = await (db.model('Reservation') as Model<any>).find({ status: 'active' }).lean<Array<{ lines: Array<{ sku: string; quantity: number }> }>>();
    const onHand = movements.reduce((s, m) => s + m.quantity, 0);
    const reserved = active
      .flatMap((r) => r.lines)
      .filter((l) => l.sku === sku)
      .reduce((s, l) => s + l.quantity, 0);
    return { onHand, reserved };
  }

  async function expectInvariants(sku: string) {
    // The counters against every document: on hand = sum of movements, reserved = sum of open reservations.
    expect((await inv.get('/internal/inventory-audit')).body).toMatchObject({ consistent: true, differences: [], overReserved: [] });
    const stock = await inv.stock(sku);
    const figures = await ledgerFigures(sku);
    expect(stock.onHand).toBe(figures.onHand);
    expect(stock.reserved).toBe(figures.reserved);
    expect(stock.available).toBeGreaterThanOrEqual(0);
    for (const location of stock.locations) expect(location.available).toBeGreaterThanOrEqual(0);
    return stock;
  }

  it('when 200 orders of 1 unit race for 50 available, then exactly 50 are reserved and 150 are short', async () => {
    await inv.receive('HOT-1', 'WH-1', 30);
    await inv.receive('HOT-1', 'WH-2', 20);
    const orders = Array.from({ length: 200 }, () => `o-${randomUUID()}`);
    const results = await Promise.all(orders.map((orderId) => inv.send('stock.reserve.v1', { orderId, lines: [{ sku: 'HOT-1', quantity: 1 }] })));

    expect(results.filter((r) => r.status === 'active')).toHaveLength(50);
    expect(results.filter((r) => r.status === 'short')).toHaveLength(150);
    const stock = await expectInvariants('HOT-1');
    expect(stock).toMatchObject({ onHand: 50, reserved: 50, available: 0 });
    expect(stock.locations).toEqual([
      { locationId: 'WH-1', onHand: 30, reserved: 30, safetyStock: 0, available: 0 },
      { locationId: 'WH-2', onHand: 20, reserved: 20, safetyStock: 0, available: 0 },
    ]);
    // Every order heard back on the bus: 50 reserved, 150 short.
    const reservedEvents = () => orders.filter((o) => inv.tap.of('stock.reserved.v1', o).length === 1).length;
    const shortEvents = () => orders.filter((o) => inv.tap.of('stock.short.v1', o).length === 1).length;
    await eventually(() => reservedEvents() === 50 && shortEvents() === 150);
  });

  it('when two-SKU and one-SKU orders race for both SKUs, then no order is left half reserved and the counts add up', async () => {
    await inv.receive('PAIR-A', 'WH-1', 6);
    await inv.receive('PAIR-B', 'WH-2', 4);
    const pairs = Array.from({ length: 12 }, () => ({
      orderId: `o-${randomUUID()}`,
      lines: [
        { sku: 'PAIR-A', quantity: 1 },
        { sku: 'PAIR-B', quantity: 1 },
      ],
    }));
    const singles = Array.from({ length: 6 }, () => ({ orderId: `o-${randomUUID()}`, lines: [{ sku: 'PAIR-A', quantity: 1 }] }));
    const requests = [...pairs, ...singles].sort(() => Math.random() - 0.5);
    // Meanwhile stock is taken away and added at the same locations.
    const movements = [
      inv
        .send('stock.record-movements.v1', {
          movements: [{ sku: 'PAIR-A', locationId: 'WH-1', quantity: -1, type: 'write_off', reason: 'broken' }],
          actor: 'ops:test',
        })
        .catch((e) => e),
      inv.send('stock.record-movements.v1', { movements: [{ sku: 'PAIR-B', locationId: 'WH-2', quantity: 1, type: 'receipt' }], actor: 'ops:test' }),
    ];
    const results = await Promise.all(requests.map((r) => inv.send('stock.reserve.v1', r)));
    await Promise.all(movements);

    for (const [i, result] of results.entries()) {
      if (result.status === 'active') {
        // Every requested unit is held, nothing more.
        for (const line of requests[i].lines) {
          const held = result.lines.filter((l: { sku: string }) => l.sku === line.sku).reduce((s: number, l: { quantity: number }) => s + l.quantity, 0);
          expect(held).toBe(line.quantity);
        }
      } else {
        expect(result.status).toBe('short');
        expect(result.lines).toEqual([]);
      }
    }
    const activePairs = results.filter((r, i) => r.status === 'active' && requests[i].lines.length === 2).length;
    const activeSingles = results.filter((r, i) => r.status === 'active' && requests[i].lines.length === 1).length;
    const a = await expectInvariants('PAIR-A');
    const b = await expectInvariants('PAIR-B');
    expect(a.reserved).toBe(activePairs + activeSingles);
    expect(b.reserved).toBe(activePairs);
    // Stock ran out: the only way an order was short is that one of its SKUs had nothing left.
    expect(a.available === 0 || b.available === 0).toBe(true);
  });
});
