import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { TestBus, TestStack, eventually, freePort } from '@oms/testing';
import { definition } from '../src/service';
import { locationCommand } from './harness';
import { PrivateRedis } from './private-redis';

const mainJs = join(__dirname, '../dist/main.js');

async function startChild(env: NodeJS.ProcessEnv, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [mainJs], { env: { ...env, PORT: String(port) }, stdio: ['ignore', 'ignore', 'inherit'] });
  await eventually(async () => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.ok, 30_000);
  return child;
}

describe('inventory: crashes and a lost Redis', () => {
  let stack: TestStack;
  let bus: TestBus;
  let mongo: MongoClient;

  beforeAll(async () => {
    stack = await TestStack.create();
    mongo = await MongoClient.connect(stack.mongoUrl('inventory').replace(/\/[^/]+$/, ''));
  });
  afterAll(async () => {
    await bus?.close();
    await mongo?.close();
    await stack?.cleanup();
  });

  const reservations = () => mongo.db(`${stack.id}_inventory`).collection<{ _id: string; status: string; lines: Array<{ quantity: number }> }>('reservations');
  const send = (type: 'stock.reserve.v1', data: { orderId: string; lines: Array<{ sku: string; quantity: number }> }) =>
    bus.broker.publish(type, data, { correlationId: data.orderId });

  /** Exactly one stock.reserved or stock.short per order, counting distinct event ids (a replay may repeat one). */
  function outcomesPerOrder(orders: string[]): Map<string, number> {
    const ids = new Map<string, Set<string>>();
    for (const e of [...bus.tap.events('stock.reserved.v1'), ...bus.tap.events('stock.short.v1')]) {
      ids.set(e.data.orderId, (ids.get(e.data.orderId) ?? new Set()).add(e.id));
    }
    return new Map(orders.map((o) => [o, ids.get(o)?.size ?? 0]));
  }

  it('when the service is killed (kill -9) in the middle of a burst of orders, then after a restart every order is reserved or short, none twice, and the counters match the ledger', async () => {
    const port = await freePort();
    const env = stack.env('inventory', { INVENTORY_LEASE_MS: '1000', AMQP_PREFETCH: '20' });
    let child = await startChild(env, port);
    bus = await TestBus.open(stack.amqpUrl, ['stock.#']);
    await bus.commands.send('location.upsert.v1', locationCommand('WH-1', { name: 'One' }), { correlationId: 't' }, 20_000);
    await bus.commands.send(
      'stock.record-movements.v1',
      { movements: [{ sku: 'CRASH-1', locationId: 'WH-1', quantity: 60, type: 'receipt' }], actor: 'ops:test' },
      { correlationId: 't' },
      20_000,
    );

    const orders = Array.from({ length: 150 }, () => `o-${randomUUID()}`);
    await Promise.all(orders.map((orderId) => send('stock.reserve.v1', { orderId, lines: [{ sku: 'CRASH-1', quantity: 1 }] })));
    // Some decided, most still to come: kill it without any chance to clean up.
    await eventually(async () => (await reservations().countDocuments()) >= 20, 30_000, 20);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    const decidedBeforeCrash = await reservations().countDocuments();
    expect(decidedBeforeCrash).toBeLessThan(150);

    child = await startChild(env, port);
    try {
      await eventually(async () => (await reservations().countDocuments()) === 150, 90_000, 200);
      const docs = await reservations().find().toArray();
      expect(docs.filter((d) => d.status === 'active')).toHaveLength(60);
      expect(docs.filter((d) => d.status === 'short')).toHaveLength(90);
      for (const d of docs.filter((d) => d.status === 'active')) expect(d.lines).toEqual([expect.objectContaining({ quantity: 1 })]);

      const audit = await (await fetch(`http://127.0.0.1:${port}/internal/inventory-audit`)).json();
      expect(audit).toMatchObject({ consistent: true, differences: [], overReserved: [] });
      const stock = await (await fetch(`http://127.0.0.1:${port}/internal/inventory/CRASH-1`)).json();
      expect(stock).toMatchObject({ onHand: 60, reserved: 60, available: 0 });
      await eventually(() => [...outcomesPerOrder(orders).values()].every((n) => n === 1), 30_000);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('when Redis loses all its data (FLUSHDB) during a burst, then the counters are rebuilt from the store: nothing oversold, nothing lost, counters equal the ledger', async () => {
    // A redis-server of its own, so FLUSHDB here touches no other test and no shared server.
    const privateRedis = await PrivateRedis.start();
    const redis = privateRedis.client;
    // A small prefetch, so that most of the burst is still to be taken when Redis is flushed (at the
    // default of 200 the service may hold all 200 commands, past their Redis step, by then).
    const running = await stack.start(definition, {
      REDIS_URL: privateRedis.url,
      INVENTORY_LEASE_MS: '1000',
      MONGO_URL: stack.mongoUrl('inventory-flush'),
      AMQP_PREFETCH: '20',
    });
    try {
      bus ??= await TestBus.open(stack.amqpUrl, ['stock.#']);
      const command = (type: any, data: any) => bus.commands.send(type, data, { correlationId: 't' }, 60_000);
      await command('location.upsert.v1', locationCommand('WH-A', { name: 'A' }));
      await command('location.upsert.v1', locationCommand('WH-B', { name: 'B' }));
      await command('stock.record-movements.v1', {
        movements: [
          { sku: 'FLUSH-1', locationId: 'WH-A', quantity: 30, type: 'receipt' },
          { sku: 'FLUSH-1', locationId: 'WH-B', quantity: 20, type: 'receipt' },
        ],
        actor: 'ops:test',
      });

      const epochKey = `${stack.redisPrefix}inv:epoch`;
      const epochBefore = await redis.get(epochKey);
      expect(epochBefore).toBeTruthy();
      let answered = 0;
      let flushed = false;
      const orders = Array.from({ length: 200 }, () => `o-${randomUUID()}`);
      const results = await Promise.all(
        orders.map(async (orderId) => {
          const outcome = await command('stock.reserve.v1', { orderId, lines: [{ sku: 'FLUSH-1', quantity: 1 }] });
          // Once a quarter are answered, Redis forgets everything.
          if (++answered === 50) await redis.flushdb().then(() => (flushed = true));
          return outcome;
        }),
      );
      expect(flushed).toBe(true);
      // The counters were rebuilt (a new epoch), not merely refilled by later changes.
      expect(await redis.get(epochKey)).toBeTruthy();
      expect(await redis.get(epochKey)).not.toBe(epochBefore);
      const statuses = results.map((r) => (r.status === 'done' ? (r.result as { status: string }).status : r.status));
      expect(statuses.filter((s) => s === 'active')).toHaveLength(50);
      expect(statuses.filter((s) => s === 'short')).toHaveLength(150);

      const audit = await (await fetch(`${running.url}/internal/inventory-audit`)).json();
      expect(audit).toMatchObject({ consistent: true, differences: [], overReserved: [] });
      expect(await (await fetch(`${running.url}/internal/inventory/FLUSH-1`)).json()).toMatchObject({ onHand: 50, reserved: 50, available: 0 });
    } finally {
      await running.stop();
      await privateRedis.stop();
    }
  });
});
