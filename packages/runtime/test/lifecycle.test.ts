import { spawn } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { Broker, type Handler, type Subscriptions } from '@oms/messaging';
import { createLogger } from '@oms/logging';
import { TestStack, eventually, expectNothingWithin, freePort, rabbitmqctl, type RunningService } from '@oms/testing';
import { definition as fulfillment } from '../../../services/fulfillment/src/service';

/** The service life cycle every service shares (packages/runtime), shown on a real service. */
const mainJs = join(__dirname, '../../../services/fulfillment/dist/main.js');
/** A stand-in service that consumes only the pack command of fulfillment's queue (the test never sends the others). */
const onlyPack = (handler: Handler<'fulfillment.pack.v1'>) => ({ 'fulfillment.commands': { 'fulfillment.pack.v1': handler } }) as unknown as Subscriptions;
const address = { name: 'Anna Schmidt', line1: 'Invalidenstraße 117', postalCode: '10115', city: 'Berlin', country: 'DE' };

async function connectionPids(vhost: string): Promise<string[]> {
  const out = await rabbitmqctl('list_connections', '--no-table-headers', 'pid', 'vhost');
  return out
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter(([, v]) => v === vhost)
    .map(([pid]) => pid);
}

describe('service life cycle', () => {
  let stack: TestStack;
  let broker: Broker;
  beforeAll(async () => {
    stack = await TestStack.create();
    broker = new Broker({ url: stack.amqpUrl, service: 'test', logger: createLogger('test', 'silent') });
    await broker.connect();
  });
  afterAll(async () => {
    await broker.close();
    await stack.cleanup();
  });

  it('when the broker connection is lost, then /readyz says not ready until the service has reconnected by itself', async () => {
    const running = (await stack.start(fulfillment)) as RunningService<unknown>;
    const ready = async () => (await fetch(`${running.url}/readyz`)).status;
    expect(await ready()).toBe(200);
    // Refuse the service's reconnects for a moment, then cut its connection.
    await rabbitmqctl('clear_permissions', '-p', stack.vhost, 'guest');
    for (const pid of await connectionPids(stack.vhost)) await rabbitmqctl('close_connection', pid, 'test: broker going away').catch(() => undefined);
    await eventually(async () => (await ready()) === 503);
    const body = (await (await fetch(`${running.url}/readyz`)).json()) as { checks: Record<string, boolean> };
    expect(body.checks).toMatchObject({ broker: false, database: true, redis: true });
    await rabbitmqctl('set_permissions', '-p', stack.vhost, 'guest', '.*', '.*', '.*');
    await eventually(async () => (await ready()) === 200, 20000);
    expect((await fetch(`${running.url}/healthz`)).status).toBe(200);
    await running.stop();
    // the test broker lost its connection too; wait for it to be back for the next test
    await broker.ready(20000);
  }, 60000);

  it('when a service asks for its own prefetch on one queue, then it holds that many messages of that queue and AMQP_PREFETCH of the others', async () => {
    const holding: Record<string, number> = {};
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const hold = (queue: string) => async () => {
      holding[queue] = (holding[queue] ?? 0) + 1;
      await released;
    };
    const service = {
      ...fulfillment,
      setup: () => ({
        consumers: onlyPack(hold('commands')),
        prefetch: { 'fulfillment.commands': 3 },
      }),
    };
    const bigPrefetch = (await stack.start(
      { ...service, setup: () => ({ consumers: onlyPack(hold('default')) }) },
      { AMQP_PREFETCH: '7' },
    )) as RunningService<unknown>;
    try {
      await Promise.all(
        Array.from({ length: 20 }, (_, i) => broker.publish('fulfillment.pack.v1', { fulfillmentId: `f-${i}`, actor: 'test' }, { correlationId: `f-${i}` })),
      );
      await eventually(() => holding.default === 7);
      const ownPrefetch = (await stack.start(service, { AMQP_PREFETCH: '7' })) as RunningService<unknown>;
      try {
        await eventually(() => holding.commands === 3);
        // Not one message past either prefetch, though 10 are still waiting in the queue: an absence, watched for a while.
        await expectNothingWithin(300, () => (holding.default ?? 0) > 7 || (holding.commands ?? 0) > 3, 'a message delivered past the prefetch');
        expect(holding).toEqual({ default: 7, commands: 3 });
      } finally {
        release();
        await ownPrefetch.stop();
      }
    } finally {
      release();
      await bigPrefetch.stop();
    }
  }, 60000);

  it('when a configuration value is wrong, then the service refuses to start and names the variable', async () => {
    const child = spawn(process.execPath, [mainJs], { env: { ...stack.env('fulfillment'), PORT: 'eighty' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toMatch(/PORT/);
  });

  it('when the port is taken, then the service fails to start with exit 1 and says why', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const port = String((taken.address() as AddressInfo).port);
      const child = spawn(process.execPath, [mainJs], { env: { ...stack.env('fulfillment'), PORT: port }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      const code = await new Promise((resolve) => child.on('exit', resolve));
      expect(code).toBe(1);
      expect(stderr).toMatch(/failed to start[\s\S]*EADDRINUSE/);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it('when HTTP_WORKERS is 2, then two processes serve the port and SIGTERM stops them all with exit 0', async () => {
    const port = String(await freePort());
    const child = spawn(process.execPath, [mainJs], {
      env: { ...stack.env('fulfillment'), PORT: port, HTTP_WORKERS: '2', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const exited = new Promise((resolve) => child.on('exit', resolve));
    try {
      // Each worker logs its own start: two of them, on one port.
      await eventually(() => (output.match(/fulfillment started/g) ?? []).length === 2, 30000);
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect((output.match(/shutting down/g) ?? []).length).toBe(2);
  }, 60000);

  it('when a service gets SIGTERM while busy, then it finishes what it holds, exits 0, and no message is lost', async () => {
    const env = { ...stack.env('fulfillment'), AMQP_PREFETCH: '5', LOG_LEVEL: 'info' };
    const child = spawn(process.execPath, [mainJs], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    await eventually(() => output.includes('fulfillment started'), 20000);

    const orders = Array.from({ length: 300 }, (_, i) => `order-sigterm-${i}`);
    const db = await MongoClient.connect(stack.mongoUrl('fulfillment'));
    const stored = () => db.db().collection('fulfillments').countDocuments();
    try {
      await Promise.all(
        orders.map((orderId) =>
          broker.publish(
            'fulfillment.open.v1',
            { orderId, lines: [{ sku: 'SKU-1', quantity: 1, locationId: 'berlin' }], shippingAddress: address, shippingMethod: 'standard' },
            { correlationId: orderId },
          ),
        ),
      );
      // Stop it in the middle of the work.
      await eventually(async () => (await stored()) >= 10, 20000, 20);
      child.kill('SIGTERM');
      const code = await new Promise((resolve) => child.on('exit', resolve));
      expect(code).toBe(0);
      expect(output).toMatch(/shutting down/);
      const doneBeforeStop = await stored();
      expect(doneBeforeStop).toBeLessThan(orders.length);

      // What it had not taken is still in the queue: a new instance takes it and every order gets exactly one fulfillment.
      const again = (await stack.start(fulfillment)) as RunningService<unknown>;
      await eventually(async () => (await stored()) === orders.length, 30000);
      const perOrder = await db
        .db()
        .collection('fulfillments')
        .aggregate([{ $group: { _id: '$orderId', n: { $sum: 1 } } }])
        .toArray();
      expect(perOrder).toHaveLength(orders.length);
      expect(perOrder.every((o) => o.n === 1)).toBe(true);
      await again.stop();
    } finally {
      await db.close();
    }
  }, 90000);
});
