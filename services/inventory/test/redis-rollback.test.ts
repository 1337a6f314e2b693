import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { createLogger } from '@oms/logging';
import { createRedis } from '@oms/redis';
import { TestStack, eventually } from '@oms/testing';
import { registerModels } from '../src/data-access/models';
import { StockCounters } from '../src/data-access/stock-counters';
import { InventoryHarness } from './harness';
import { PrivateRedis } from './private-redis';

/**
 * Redis loses only its last changes and keeps the epoch: it restarts from an older snapshot (an RDB rollback,
 * an AOF `everysec` that lost its last second, a replica promoted while it lagged) or goes back in time in
 * place. The units reserved after the snapshot must not be reserved again: inventory sees the counters are not
 * whole before it reserves and rebuilds them from the store.
 */
describe('inventory: a partial Redis loss never oversells', () => {
  let stack: TestStack;
  let redis: PrivateRedis;
  let inv: InventoryHarness;

  beforeAll(async () => {
    stack = await TestStack.create();
    redis = await PrivateRedis.start();
    inv = await InventoryHarness.start(stack, { REDIS_URL: redis.url });
    await inv.location('WH-1');
  });
  afterAll(async () => {
    await inv?.close();
    await stack?.cleanup();
    await redis?.stop();
  });

  const reserveOne = (sku: string) => (orderId: string) => inv.send('stock.reserve.v1', { orderId, lines: [{ sku, quantity: 1 }] });
  const orders = (n: number) => Array.from({ length: n }, () => `o-${randomUUID()}`);
  const statuses = (answers: Array<{ status: string }>) => answers.map((a) => a.status).sort();

  /** 10 on hand; 4 reserved before the snapshot and 4 after it, which Redis is about to lose. */
  async function eightReservedAroundASnapshot(sku: string): Promise<void> {
    await inv.receive(sku, 'WH-1', 10);
    await Promise.all(orders(4).map(reserveOne(sku)));
    await redis.snapshot();
    await Promise.all(orders(4).map(reserveOne(sku)));
    expect(await inv.stock(sku)).toMatchObject({ onHand: 10, reserved: 8, available: 2 });
  }

  /** Six more orders after the loss: only the 2 units never reserved can be, and Redis equals the store. */
  async function expectNoOversell(sku: string): Promise<void> {
    const answers = await Promise.all(orders(6).map(reserveOne(sku)));
    expect(statuses(answers)).toEqual(['active', 'active', 'short', 'short', 'short', 'short']);
    expect(await inv.stock(sku)).toMatchObject({ onHand: 10, reserved: 10, available: 0 });
    const audit = (await inv.get('/internal/inventory-audit')).body;
    expect(audit).toMatchObject({ consistent: true, differences: [], overReserved: [] });
  }

  it('when Redis is killed and restarts from a snapshot older than the last reservations (its epoch survives, its run_id does not), then the counters are rebuilt before the next reservation and nothing is oversold', async () => {
    await eightReservedAroundASnapshot('ROLLBACK-RESTART');
    const before = await redis.runId();
    await redis.crashAndRestartFromSnapshot();
    expect(await redis.runId()).not.toBe(before);
    // The restored keys say 4 reserved: without the check, all six would be reserved and 12 promised of 10.
    expect(await redis.client.hget(`${stack.redisPrefix}inv:sku:ROLLBACK-RESTART`, 'res:WH-1')).toBe('4');
    // A new inventory process too, so that only the server's identity can tell (it holds no witness of its own).
    await inv.close();
    await inv.running.stop();
    inv = await InventoryHarness.start(stack, { REDIS_URL: redis.url });

    await expectNoOversell('ROLLBACK-RESTART');
    expect(await redis.client.get(`${stack.redisPrefix}inv:epoch`)).toMatch(new RegExp(`^${await redis.runId()}:`));
  });

  it('when the same Redis process goes back to an older snapshot in place (DEBUG RELOAD NOSAVE: same run_id, epoch kept), then the missing marker of the last reservation is noticed before the next one and nothing is oversold', async () => {
    await eightReservedAroundASnapshot('ROLLBACK-INPLACE');
    const runId = await redis.runId();
    await redis.reloadSnapshotInPlace();
    expect(await redis.runId()).toBe(runId);
    expect(await redis.client.hget(`${stack.redisPrefix}inv:sku:ROLLBACK-INPLACE`, 'res:WH-1')).toBe('4');

    await expectNoOversell('ROLLBACK-INPLACE');
  });

  it('when Redis goes back in place and lost only the reservations of another inventory process, then this process notices it by the newest reservation of any process, rebuilds, and does not oversell', async () => {
    // A second inventory process that takes nothing before the rollback: it holds no reservation of its own.
    const db = await mongoose.createConnection(stack.mongoUrl('inventory')).asPromise();
    const other = new StockCounters(createRedis(redis.url, stack.redisPrefix), registerModels(db), createLogger('other-inventory', 'silent'), 1000);
    other.watchNewest();
    try {
      await eightReservedAroundASnapshot('ROLLBACK-OTHERS');
      const newest = JSON.parse((await redis.client.get(`${stack.redisPrefix}inv:newest`))!) as { r: string };
      await eventually(() => other.witnessed().global === newest.r);
      expect(other.witnessed().own).toBeUndefined();
      await redis.reloadSnapshotInPlace();

      // The restored counters show 6 free; the store holds 8 of 10 reserved: 3 more must not fit.
      expect(await other.reserve(`o-${randomUUID()}`, [{ sku: 'ROLLBACK-OTHERS', locationId: 'WH-1', quantity: 3 }])).toEqual({ status: 'conflict' });
      await expectNoOversell('ROLLBACK-OTHERS');
    } finally {
      other.stop();
      await db.close();
    }
  });

  it("when an order is reserved and released, then its marker in Redis stays only while the reservation is active and for an hour after (the store's document is the record)", async () => {
    await inv.receive('MARKER-1', 'WH-1', 5);
    const [orderId] = orders(1);
    await reserveOne('MARKER-1')(orderId!);
    const key = `${stack.redisPrefix}inv:res:${orderId}`;
    expect(await redis.client.ttl(key)).toBe(-1); // active: the reservation's lines in Redis, no expiry
    const bytes = Number(await redis.client.call('MEMORY', 'USAGE', key, 'SAMPLES', '0'));
    expect(bytes).toBeGreaterThan(0);
    expect(bytes).toBeLessThanOrEqual(200);

    expect(await inv.send('stock.release.v1', { orderId: orderId! })).toMatchObject({ released: true });
    const ttl = await redis.client.ttl(key);
    expect(ttl).toBeGreaterThan(3500);
    expect(ttl).toBeLessThanOrEqual(3600);
  });
});
