import { randomUUID } from 'node:crypto';
import { createLogger } from '@oms/logging';
import { TestStack } from '@oms/testing';
import { StockCounters } from '../src/data-access/stock-counters';
import { InventoryHarness } from './harness';

describe('inventory: ledger, reservations and returns', () => {
  let stack: TestStack;
  let inv: InventoryHarness;

  beforeAll(async () => {
    stack = await TestStack.create();
    inv = await InventoryHarness.start(stack);
    await inv.location('WH-A');
    await inv.location('WH-B');
    await inv.location('ST-1', 'store');
  });
  afterAll(async () => {
    await inv?.close();
    await stack?.cleanup();
  });

  it('when a location is created and receipts recorded, then GET inventory shows on hand, reserved and available per location and in total', async () => {
    const created = await inv.location('WH-C', 'warehouse', { name: 'Warehouse C' });
    expect(created).toMatchObject({
      id: 'WH-C',
      name: 'Warehouse C',
      type: 'warehouse',
      canShip: true,
      canPickup: false,
      priority: 100,
      handlingCost: 0,
      active: true,
    });
    expect((await inv.get('/internal/locations/WH-C')).body).toMatchObject({ id: 'WH-C', name: 'Warehouse C', type: 'warehouse' });
    expect((await inv.get('/internal/locations/NOPE')).status).toBe(404);

    const recorded = await inv.send('stock.record-movements.v1', {
      movements: [
        { sku: 'LEDGER-1', locationId: 'WH-C', quantity: 7, type: 'receipt', reference: 'PO-1' },
        { sku: 'LEDGER-1', locationId: 'ST-1', quantity: 3, type: 'receipt' },
        { sku: 'LEDGER-1', locationId: 'WH-C', quantity: -2, type: 'adjustment', reason: 'cycle count' },
      ],
      actor: 'ops:test',
    });
    expect(recorded.movements).toHaveLength(3);
    expect(recorded.movements[0]).toMatchObject({ sku: 'LEDGER-1', locationId: 'WH-C', quantity: 7, type: 'receipt', reference: 'PO-1', actor: 'ops:test' });

    expect(await inv.stock('LEDGER-1')).toEqual({
      sku: 'LEDGER-1',
      onHand: 8,
      reserved: 0,
      safetyStock: 0,
      available: 8,
      locations: [
        { locationId: 'ST-1', onHand: 3, reserved: 0, safetyStock: 0, available: 3 },
        { locationId: 'WH-C', onHand: 5, reserved: 0, safetyStock: 0, available: 5 },
      ],
      incoming: [],
      leadTimeDays: 0,
      substitutes: [],
    });
    expect(await inv.stock('NEVER-SEEN')).toEqual({
      sku: 'NEVER-SEEN',
      onHand: 0,
      reserved: 0,
      safetyStock: 0,
      available: 0,
      locations: [],
      incoming: [],
      leadTimeDays: 0,
      substitutes: [],
    });
  });

  it('when a movement names an unknown location or a receipt is not positive, then the command is refused with 422 naming the field', async () => {
    const refused = inv.send('stock.record-movements.v1', {
      movements: [
        { sku: 'LEDGER-2', locationId: 'WH-A', quantity: 5, type: 'receipt' },
        { sku: 'LEDGER-2', locationId: 'WH-NOWHERE', quantity: 5, type: 'receipt' },
        { sku: 'LEDGER-2', locationId: 'WH-A', quantity: -1, type: 'receipt' },
      ],
      actor: 'ops:test',
    });
    await expect(refused).rejects.toMatchObject({
      status: 422,
      errors: expect.arrayContaining([
        { path: 'movements.1.locationId', message: expect.stringContaining('WH-NOWHERE') },
        { path: 'movements.2.quantity', message: expect.stringContaining('positive') },
      ]),
    });
    // Nothing of the refused batch was stored.
    expect((await inv.stock('LEDGER-2')).onHand).toBe(0);
  });

  it('when an order reserves, then available drops and stock.reserved.v1 is published; when released, available comes back', async () => {
    await inv.receive('RES-1', 'WH-A', 5);
    await inv.receive('RES-1', 'WH-B', 2);
    const orderId = `o-${randomUUID()}`;
    // The same SKU twice in one order is one line of 3.
    const reservation = await inv.send('stock.reserve.v1', {
      orderId,
      lines: [
        { sku: 'RES-1', quantity: 2 },
        { sku: 'RES-1', quantity: 1 },
      ],
    });
    expect(reservation).toMatchObject({ orderId, status: 'active', lines: [{ sku: 'RES-1', locationId: 'WH-A', quantity: 3 }] });

    const reserved = await inv.tap.next('stock.reserved.v1', orderId);
    expect(reserved).toMatchObject({
      producer: 'inventory',
      correlationId: orderId,
      data: { orderId, lines: [{ sku: 'RES-1', locationId: 'WH-A', quantity: 3 }] },
    });
    expect(await inv.stock('RES-1')).toMatchObject({ onHand: 7, reserved: 3, available: 4 });
    expect((await inv.get(`/internal/reservations/${orderId}`)).body).toMatchObject({ orderId, status: 'active' });

    // Reserved stock cannot be taken away by an adjustment: 5 on hand at WH-A, 3 of them promised.
    await expect(
      inv.send('stock.record-movements.v1', { movements: [{ sku: 'RES-1', locationId: 'WH-A', quantity: -3, type: 'adjustment' }], actor: 'ops:test' }),
    ).rejects.toMatchObject({ status: 422, errors: [{ path: 'movements.0.quantity', message: expect.stringContaining('reserved') }] });

    expect(await inv.send('stock.release.v1', { orderId })).toMatchObject({ released: true });
    await inv.tap.next('stock.released.v1', orderId);
    expect(await inv.stock('RES-1')).toMatchObject({ onHand: 7, reserved: 0, available: 7 });
    expect((await inv.get(`/internal/reservations/${orderId}`)).body).toMatchObject({ status: 'released' });

    // Releasing again changes nothing.
    expect(await inv.send('stock.release.v1', { orderId })).toMatchObject({ released: false, status: 'released' });
    expect(inv.tap.of('stock.released.v1', orderId)).toHaveLength(1);
  });

  it('when a release comes before any reservation, then it is stored as released and announced, and the reserve that comes after takes nothing', async () => {
    await inv.receive('RES-LATE', 'WH-A', 4);
    const orderId = `o-${randomUUID()}`;
    expect(await inv.send('stock.release.v1', { orderId })).toMatchObject({ orderId, released: false, status: 'released' });
    // The order's stock check ends: it does not wait for a reservation that will never be released.
    await inv.tap.next('stock.released.v1', orderId);
    expect((await inv.get(`/internal/reservations/${orderId}`)).body).toMatchObject({ orderId, status: 'released', lines: [] });

    // The reserve command that was overtaken: the stored decision stands, and the units it took go back.
    expect(await inv.send('stock.reserve.v1', { orderId, lines: [{ sku: 'RES-LATE', quantity: 3 }] })).toMatchObject({ orderId, status: 'released' });
    expect(await inv.stock('RES-LATE')).toMatchObject({ onHand: 4, reserved: 0, available: 4 });
    expect(inv.tap.of('stock.reserved.v1', orderId)).toHaveLength(0);
  });

  it('when a reserve took units in Redis but died before storing, and a release overtook its redelivery, then the units go back', async () => {
    await inv.receive('RES-LEASE', 'WH-A', 5);
    const orderId = `o-${randomUUID()}`;
    // The first delivery: Redis took the units (the marker holds them), then it ran out of its lease (or its
    // process died) before the reservation was stored.
    const counters = new StockCounters(inv.running.ctx.redis, undefined as never, createLogger('test', 'silent'), 1000);
    expect((await counters.reserve(orderId, [{ sku: 'RES-LEASE', locationId: 'WH-A', quantity: 3 }])).status).toBe('ok');
    expect(await inv.stock('RES-LEASE')).toMatchObject({ reserved: 3 });
    // The order is cancelled: the release finds no reservation and stores the decision "released".
    expect(await inv.send('stock.release.v1', { orderId })).toMatchObject({ status: 'released', released: false });
    // The redelivered reserve finds its units held, and the stored decision holding none: it gives them back.
    expect(await inv.send('stock.reserve.v1', { orderId, lines: [{ sku: 'RES-LEASE', quantity: 3 }] })).toMatchObject({ status: 'released' });
    expect(await inv.stock('RES-LEASE')).toMatchObject({ onHand: 5, reserved: 0, available: 5 });
    expect((await inv.get('/internal/inventory-audit')).body).toMatchObject({ differences: [] });
  });

  it('when no single location holds the whole line, then the line is split across locations, the first-ranked filled first, and the reason says so', async () => {
    await inv.receive('SPLIT-1', 'WH-A', 2);
    await inv.receive('SPLIT-1', 'WH-B', 3);
    const orderId = `o-${randomUUID()}`;
    const reservation = await inv.send('stock.reserve.v1', { orderId, lines: [{ sku: 'SPLIT-1', quantity: 4 }] });
    expect(reservation.status).toBe('active');
    // Same distance (none known), cost and priority: the id decides the rank.
    expect(reservation.lines).toEqual([
      { sku: 'SPLIT-1', locationId: 'WH-A', quantity: 2 },
      { sku: 'SPLIT-1', locationId: 'WH-B', quantity: 2 },
    ]);
    expect(reservation.reason).toBe('split into 2 shipments (WH-A, WH-B): no single location can ship every line');
    expect((await inv.tap.next('stock.reserved.v1', orderId)).data.reason).toBe(reservation.reason);
    expect(await inv.stock('SPLIT-1')).toMatchObject({ reserved: 4, available: 1 });
  });

  it('when one SKU of a multi-SKU order is short, then stock.short.v1 lists the short line and nothing is reserved', async () => {
    await inv.receive('SHORT-A', 'WH-A', 10);
    await inv.receive('SHORT-B', 'WH-A', 1);
    const orderId = `o-${randomUUID()}`;
    const result = await inv.send('stock.reserve.v1', {
      orderId,
      lines: [
        { sku: 'SHORT-A', quantity: 2 },
        { sku: 'SHORT-B', quantity: 3 },
      ],
    });
    expect(result).toMatchObject({ orderId, status: 'short', lines: [], shortLines: [{ sku: 'SHORT-B', requested: 3, available: 1 }] });
    const short = await inv.tap.next('stock.short.v1', orderId);
    expect(short.data).toMatchObject({ orderId, lines: [{ sku: 'SHORT-B', requested: 3, available: 1 }] });
    expect(await inv.stock('SHORT-A')).toMatchObject({ reserved: 0, available: 10 });
    expect(await inv.stock('SHORT-B')).toMatchObject({ reserved: 0, available: 1 });
    expect(inv.tap.of('stock.reserved.v1', orderId)).toHaveLength(0);

    // A short reservation can be released (the order was cancelled while on hold).
    expect(await inv.send('stock.release.v1', { orderId })).toMatchObject({ released: true });
    await inv.tap.next('stock.released.v1', orderId);
  });

  it('when the same stock.reserve.v1 message is delivered twice, then it reserves once and publishes one event', async () => {
    await inv.receive('DUP-1', 'WH-A', 10);
    const orderId = `o-${randomUUID()}`;
    const messageId = randomUUID();
    const data = { orderId, lines: [{ sku: 'DUP-1', quantity: 4 }] };
    // Published twice at once (the broker redelivering, or a producer retrying with the same envelope id).
    await Promise.all([
      inv.broker.publish('stock.reserve.v1', data, { correlationId: orderId, id: messageId }),
      inv.broker.publish('stock.reserve.v1', data, { correlationId: orderId, id: messageId }),
    ]);
    // And once more, waiting for the answer: it reports the one reservation.
    expect(await inv.send('stock.reserve.v1', data, { correlationId: orderId, id: messageId })).toMatchObject({ status: 'active', lines: [{ quantity: 4 }] });

    // Events of one publisher arrive in order: once the marker's event is in, any duplicate would be too.
    const marker = `o-${randomUUID()}`;
    await inv.send('stock.reserve.v1', { orderId: marker, lines: [{ sku: 'DUP-1', quantity: 1 }] });
    await inv.tap.next('stock.reserved.v1', marker);
    expect(inv.tap.of('stock.reserved.v1', orderId)).toHaveLength(1);
    expect(await inv.stock('DUP-1')).toMatchObject({ onHand: 10, reserved: 5, available: 5 });
  });

  it('when a reservation is consumed, then pick movements lower on hand; when returned, resellable units raise it and damaged ones are written off', async () => {
    await inv.receive('LIFE-1', 'WH-B', 6);
    await inv.receive('LIFE-2', 'WH-B', 2);
    const orderId = `o-${randomUUID()}`;
    await inv.send('stock.reserve.v1', {
      orderId,
      lines: [
        { sku: 'LIFE-1', quantity: 4 },
        { sku: 'LIFE-2', quantity: 2 },
      ],
    });
    expect(await inv.stock('LIFE-1')).toMatchObject({ onHand: 6, reserved: 4, available: 2 });

    const consumed = await inv.send('stock.consume.v1', { orderId });
    expect(consumed).toMatchObject({ orderId, status: 'consumed' });
    const event = await inv.tap.next('stock.consumed.v1', orderId);
    expect(event.data.lines).toEqual([
      { sku: 'LIFE-1', locationId: 'WH-B', quantity: 4 },
      { sku: 'LIFE-2', locationId: 'WH-B', quantity: 2 },
    ]);
    expect(await inv.stock('LIFE-1')).toMatchObject({ onHand: 2, reserved: 0, available: 2 });
    expect(await inv.stock('LIFE-2')).toMatchObject({ onHand: 0, reserved: 0, available: 0 });
    const ledger = (await inv.get('/internal/inventory/LIFE-1/movements')).body.movements;
    expect(ledger).toContainEqual(expect.objectContaining({ id: `pick:${orderId}:LIFE-1:WH-B`, type: 'pick', quantity: -4, reference: orderId }));

    // Consuming again changes nothing.
    await inv.send('stock.consume.v1', { orderId });
    expect((await inv.stock('LIFE-1')).onHand).toBe(2);

    const returnId = `r-${randomUUID()}`;
    const restock = {
      orderId,
      returnId,
      locationId: 'WH-A',
      lines: [
        { sku: 'LIFE-1', quantity: 3, condition: 'resellable' as const },
        { sku: 'LIFE-2', quantity: 1, condition: 'damaged' as const },
      ],
    };
    const restocked = await inv.send('stock.restock.v1', restock);
    expect(restocked).toEqual({
      orderId,
      returnId,
      restocked: [{ sku: 'LIFE-1', locationId: 'WH-A', quantity: 3 }],
      writtenOff: [{ sku: 'LIFE-2', locationId: 'WH-A', quantity: 1 }],
    });
    expect((await inv.tap.next('stock.restocked.v1', orderId)).data).toEqual(restocked);
    expect(await inv.stock('LIFE-1')).toMatchObject({ onHand: 5, available: 5 });
    expect(await inv.stock('LIFE-2')).toMatchObject({ onHand: 0, available: 0 });
    const damagedLedger = (await inv.get('/internal/inventory/LIFE-2/movements')).body.movements;
    expect(damagedLedger).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'return_restock', quantity: 1, locationId: 'WH-A', reference: returnId }),
        expect.objectContaining({ type: 'write_off', quantity: -1, locationId: 'WH-A', reference: returnId }),
      ]),
    );

    // The same return sent again (another message) does not count the units twice, nor announce them again.
    await inv.send('stock.restock.v1', restock);
    expect((await inv.stock('LIFE-1')).onHand).toBe(5);
    expect(inv.tap.of('stock.restocked.v1', orderId)).toHaveLength(1);

    // A return to an unknown location is refused.
    await expect(inv.send('stock.restock.v1', { ...restock, returnId: 'r-x', locationId: 'WH-NOWHERE' })).rejects.toMatchObject({
      status: 422,
      errors: [{ path: 'locationId', message: expect.stringContaining('WH-NOWHERE') }],
    });
  });

  it('when a return comes for an order this service never reserved, then the restock is still recorded and announced', async () => {
    const orderId = `o-legacy-${randomUUID()}`;
    await inv.send('stock.restock.v1', {
      orderId,
      returnId: 'r-legacy',
      locationId: 'ST-1',
      lines: [{ sku: 'LEGACY-1', quantity: 2, condition: 'resellable' }],
    });
    await inv.tap.next('stock.restocked.v1', orderId);
    expect(await inv.stock('LEGACY-1')).toMatchObject({ onHand: 2, available: 2 });
  });
});
