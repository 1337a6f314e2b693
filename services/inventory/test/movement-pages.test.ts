import { createLogger } from '@oms/logging';
import { DayIndex, decodeTimeCursor } from '@oms/mongo';
import { TestStack } from '@oms/testing';
import type { MovementDoc } from '../src/data-access/movement-model';
import { MovementRepository } from '../src/data-access/movement-repository';
import { InventoryHarness } from './harness';

/** A SKU's ledger in cursor pages, read day by day (movement-repository.ts). */
describe('inventory: movement pages', () => {
  let stack: TestStack;
  let inv: InventoryHarness;
  const db = () => inv.running.ctx.db;

  beforeAll(async () => {
    stack = await TestStack.create();
    inv = await InventoryHarness.start(stack);
    await inv.location('WH-P');
  });
  afterAll(async () => {
    await inv?.close();
    await stack?.cleanup();
  });

  /** Every page of a SKU's ledger at this page size: the ids in the order they came, and the page count. */
  async function readAll(sku: string, limit: number): Promise<{ ids: string[]; pages: number }> {
    const ids: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const { status, body } = await inv.get(`/internal/inventory/${sku}/movements?${query}`);
      expect(status).toBe(200);
      expect(body.movements.length).toBeLessThanOrEqual(limit);
      ids.push(...body.movements.map((m: { id: string }) => m.id));
      cursor = body.nextCursor;
      pages++;
    } while (cursor && pages < 100);
    return { ids, pages };
  }

  it('when a ledger spans several days and is read in pages, then each entry comes exactly once, newest first, and the last page has no cursor', async () => {
    const sku = 'PAGE-1';
    for (let i = 0; i < 7; i++) await inv.receive(sku, 'WH-P', i + 1);
    // Entries of earlier days, as a ledger of months would hold them (stored straight, the days noted as the service does).
    const repository = new MovementRepository(db().model<MovementDoc>('Movement'), new DayIndex(db(), 'movement_days'));
    const older = [3, 2, 2, 1].map((daysAgo, i) => ({
      _id: `old-${i}`,
      sku,
      locationId: 'WH-P',
      quantity: 1,
      type: 'receipt' as const,
      actor: 'ops:test',
      at: new Date(Date.now() - daysAgo * 86_400_000),
    }));
    await repository.insertOnce(older as never);

    const everything = await inv.get(`/internal/inventory/${sku}/movements`);
    expect(everything.body.nextCursor).toBeNull();
    expect(everything.body.movements).toHaveLength(11);
    const at = everything.body.movements.map((m: { at: string }) => m.at);
    expect([...at].sort().reverse()).toEqual(at);
    // Older days after newer ones; within a day newest first, the id breaking a tie.
    expect(everything.body.movements.slice(-4).map((m: { id: string }) => m.id)).toEqual(['old-3', 'old-2', 'old-1', 'old-0']);

    for (const limit of [1, 3, 4, 10]) {
      const { ids, pages } = await readAll(sku, limit);
      expect(ids).toEqual(everything.body.movements.map((m: { id: string }) => m.id));
      // One entry more than asked is read, so a full last page already knows nothing follows.
      expect(pages).toBe(Math.ceil(11 / limit));
    }
  });

  it('when ledger entries were stored before they had a day, then the backfill gives them one and the pages show them', async () => {
    const sku = 'PAGE-LEGACY';
    await inv.receive(sku, 'WH-P', 5);
    // An entry as an earlier release stored it: no day, and no day noted.
    await db()
      .collection('movements')
      .insertOne({
        _id: 'legacy-movement-1',
        sku,
        locationId: 'WH-P',
        quantity: 2,
        type: 'receipt',
        actor: 'ops:test',
        at: new Date('2024-02-29T08:00:00Z'),
      } as never);
    expect((await inv.get(`/internal/inventory/${sku}/movements`)).body.movements.map((m: { id: string }) => m.id)).not.toContain('legacy-movement-1');

    const days = new DayIndex(db(), 'movement_days');
    await days.model.deleteOne({ _id: 'marker:movement-day-backfill' });
    await new MovementRepository(db().model<MovementDoc>('Movement'), days).backfillDays(createLogger('test', 'silent'));
    const ledger = (await inv.get(`/internal/inventory/${sku}/movements`)).body.movements;
    expect(ledger.map((m: { id: string }) => m.id).at(-1)).toBe('legacy-movement-1');
    expect(ledger).toHaveLength(2);
    expect(await days.isDone('movement-day-backfill')).toBe(true);
  });

  it('when the cursor or limit is wrong, then 422 names the parameter and nothing is listed', async () => {
    const badCursor = await inv.get('/internal/inventory/PAGE-1/movements?cursor=not-a-cursor');
    expect(badCursor.status).toBe(422);
    expect(badCursor.body.errors).toEqual([{ path: 'cursor', message: expect.any(String) }]);
    expect(decodeTimeCursor('not-a-cursor')).toBeUndefined();

    for (const query of ['limit=0', 'limit=501', 'limit=ten', 'sort=asc']) {
      const { status, body } = await inv.get(`/internal/inventory/PAGE-1/movements?${query}`);
      expect(status).toBe(422);
      expect(body.errors.length).toBeGreaterThan(0);
    }
  });
});
