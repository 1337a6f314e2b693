import { randomUUID } from 'node:crypto';
import amqp, { type ChannelModel } from 'amqplib';
import { MongoClient } from 'mongodb';
import { createLogger } from '@oms/logging';
import { Broker } from '@oms/messaging';
import { TestStack, eventually, sampleOrder } from '@oms/testing';
import { logLines, startChildService, type ChildService } from './child-service';

/**
 * Graceful shutdown of a consumer under message load: ingestion (as its own process) gets SIGTERM in the
 * middle of a burst of orders, and a new instance takes over. Every order is stored once, the commands it
 * causes are published once, and nothing is left behind, dead-lettered or handled twice.
 */
const BURST = 1000;
const INTAKE = 'ingestion.order-intake';
/** Retry delays of the test stack (TestStack.env): each has its delay queue. */
const DELAY_QUEUES = [100, 200, 400].map((ms) => `${INTAKE}.delay.${ms}ms`);

describe('ingestion: SIGTERM in the middle of a burst of orders', () => {
  let stack: TestStack;
  let broker: Broker;
  let amqpConnection: ChannelModel;
  let mongo: MongoClient;
  const children: ChildService[] = [];

  beforeAll(async () => {
    stack = await TestStack.create();
    broker = new Broker({ url: stack.amqpUrl, service: 'test', logger: createLogger('test', 'silent') });
    await broker.connect();
    amqpConnection = await amqp.connect(stack.amqpUrl);
    mongo = await MongoClient.connect(stack.mongoUrl('ingestion'));
  }, 60_000);
  afterAll(async () => {
    for (const c of children) if (c.child.exitCode === null) c.child.kill('SIGKILL');
    await broker?.close();
    await amqpConnection?.close().catch(() => undefined);
    await mongo?.close();
    await stack?.cleanup();
  });

  /** Messages in a queue: ready ones, and (with no consumer connected) the unacknowledged ones given back. */
  async function depth(queue: string): Promise<number> {
    const ch = await amqpConnection.createChannel();
    try {
      return (await ch.checkQueue(queue)).messageCount;
    } finally {
      await ch.close();
    }
  }

  async function stopWithSigterm(instance: ChildService) {
    const sentAt = Date.now();
    instance.child.kill('SIGTERM');
    const exit = await instance.exited;
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(logLines(instance.output(), 'shutting down')).toHaveLength(1);
    expect(logLines(instance.output(), 'shutdown timed out')).toHaveLength(0);
    expect(logLines(instance.output(), 'message left unacknowledged; it will be redelivered')).toHaveLength(0);
    return exit.at - sentAt;
  }

  it('when ingestion gets SIGTERM mid-burst, then it finishes and acks what it holds, exits 0, and a new instance stores every remaining order exactly once', async () => {
    const env = { ...stack.env('ingestion'), LOG_LEVEL: 'info', AMQP_PREFETCH: '50', SHUTDOWN_TIMEOUT_MS: '20000' };
    const first = await startChildService('ingestion', env);
    children.push(first);

    const orders = mongo.db().collection('orders');
    const orderIds = Array.from({ length: BURST }, () => `ord_${randomUUID()}`);
    // All published with their confirms in flight together (one by one would take seconds).
    await Promise.all(
      orderIds.map((orderId, i) =>
        broker.publish(
          'order.received.v1',
          { orderId, order: sampleOrder({ externalId: `BURST-${i}` }), receivedAt: new Date().toISOString(), actor: 'test' },
          { correlationId: orderId },
        ),
      ),
    );

    // SIGTERM while it is busy: some stored, most still queued or in its hands.
    await eventually(async () => (await orders.countDocuments()) >= 100, 30_000, 20);
    const drainMs = await stopWithSigterm(first);
    expect(drainMs).toBeLessThan(20_000);

    // What it held was finished and acknowledged before it exited: each message is either stored or back in
    // the queue, never both (stored but unacknowledged would come back as a redelivery) and never neither.
    const storedAtExit = await orders.countDocuments();
    expect(storedAtExit).toBeLessThan(BURST);
    expect(storedAtExit + (await depth(INTAKE))).toBe(BURST);
    for (const q of DELAY_QUEUES) expect(await depth(q)).toBe(0);
    expect(await depth(`${INTAKE}.dlq`)).toBe(0);
    // And the commands those orders cause were published before it exited (no outbox left for later).
    expect(await orders.countDocuments({ outboxPending: true })).toBe(0);
    expect(await depth('inventory.commands')).toBe(storedAtExit);

    // A new instance takes the rest.
    const second = await startChildService('ingestion', env);
    children.push(second);
    await eventually(async () => (await orders.countDocuments()) === BURST, 45_000, 250);
    await eventually(async () => (await orders.countDocuments({ outboxPending: true })) === 0, 15_000, 250);
    await stopWithSigterm(second);

    // Every order once, each with its one stock reservation and payment check sent once; nothing left over.
    expect(await orders.countDocuments({ _id: { $in: orderIds } } as never)).toBe(BURST);
    expect(await depth(INTAKE)).toBe(0);
    for (const q of DELAY_QUEUES) expect(await depth(q)).toBe(0);
    expect(await depth(`${INTAKE}.dlq`)).toBe(0);
    expect(await depth('inventory.commands')).toBe(BURST);
    expect(await depth('payment-check.commands')).toBe(BURST);
  }, 120_000);
});
