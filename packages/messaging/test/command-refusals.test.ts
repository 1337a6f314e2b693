import { CommandClient, QueueConsumer, deterministicId, type Broker } from '@oms/messaging';
import { Refusal } from '@oms/errors';
import { TestStack, eventually, expectNothingWithin } from '@oms/testing';
import { header, RawAmqp, openMessagingTest, closeMessagingTest } from './helpers';

/** A refusal (4xx) of a command nobody waits for must show somewhere: command.refused.v1, or the DLQ. */
describe('refusals of asynchronous commands', () => {
  let stack: TestStack;
  let broker: Broker;
  let raw: RawAmqp;
  let consumer: QueueConsumer;
  let client: CommandClient;
  const handled: string[] = [];

  beforeAll(async () => {
    ({ stack, broker, raw } = await openMessagingTest('inventory'));
    consumer = new QueueConsumer(
      broker,
      'inventory.commands',
      {
        'stock.restock.v1': async (m) => {
          handled.push(m.data.returnId);
          // A slow refusal: its sender has stopped waiting by then.
          if (m.data.returnId.startsWith('late-')) await new Promise((resolve) => setTimeout(resolve, 1700));
          throw new Refusal('invalid', `location ${m.data.locationId} does not exist`);
        },
        'location.upsert.v1': async (m) => {
          handled.push(m.data.locationId);
          throw new Refusal('conflict', `location ${m.data.locationId} is locked`);
        },
      },
      { prefetch: 10, maxAttempts: 3, retryDelaysMs: [50] },
    );
    client = new CommandClient(broker);
    await client.start();
    await consumer.start();
  });
  afterAll(async () => {
    await consumer.stop();
    await client.close();
    await closeMessagingTest(stack, broker, raw);
  });

  const restock = (returnId: string) => ({
    orderId: 'ord-1~2',
    returnId,
    locationId: 'nowhere',
    lines: [{ sku: 'SKU-1', quantity: 1, condition: 'resellable' as const }],
  });
  /** What reached ingestion's queue (command.refused.v1 is routed there and to returns'). */
  const refusalsIn = async (queue: string) => (await raw.drain(queue)).map((m) => JSON.parse(m.content.toString()));

  it('when a command sent without a reply queue is refused, then command.refused.v1 names the command, the order, the return and the reason, once', async () => {
    const command = await broker.publish('stock.restock.v1', restock('ret-1'), { correlationId: 'ord-1' });
    await eventually(async () => (await raw.count('ingestion.order-progress')) === 1, 5000, 20);
    const [refused] = await refusalsIn('ingestion.order-progress');
    expect(refused).toMatchObject({
      id: deterministicId(command.id, 'command.refused.v1'),
      type: 'command.refused.v1',
      producer: 'inventory',
      correlationId: 'ord-1',
      causationId: command.id,
      data: {
        orderId: 'ord-1~2',
        command: 'stock.restock.v1',
        commandId: command.id,
        returnId: 'ret-1',
        status: 422,
        title: 'Unprocessable Content',
        detail: 'location nowhere does not exist',
      },
    });
    // The return's service hears of it too, and the refused command is neither retried nor dead-lettered.
    expect(await refusalsIn('returns.command-refusals')).toEqual([refused]);
    await expectNothingWithin(200, () => handled.filter((id) => id === 'ret-1').length > 1, 'a refused command retried');
    expect(await raw.count('inventory.commands.dlq')).toBe(0);
  });

  it('when the sender waits for the answer, then it gets the problem and no command.refused.v1 is published', async () => {
    await expect(client.send('stock.restock.v1', restock('ret-2'), { correlationId: 'ord-1' })).rejects.toMatchObject({ status: 422 });
    await expectNothingWithin(200, async () => (await raw.count('ingestion.order-progress')) > 0, 'a refusal announced though its sender had the answer');
  });

  it('when the sender stopped waiting before the refusal (it was told 202), then command.refused.v1 is published all the same', async () => {
    await expect(client.send('stock.restock.v1', restock('late-1'), { correlationId: 'ord-1' }, 1500)).resolves.toEqual({ status: 'pending' });
    await eventually(async () => (await raw.count('ingestion.order-progress')) === 1, 5000, 20);
    const [refused] = await refusalsIn('ingestion.order-progress');
    expect(refused.data).toMatchObject({ orderId: 'ord-1~2', command: 'stock.restock.v1', returnId: 'late-1', status: 422 });
    await raw.drain('returns.command-refusals');
  });

  it('when a refused command without a reply queue names no order, then it goes to the DLQ with its reason', async () => {
    const command = await broker.publish(
      'location.upsert.v1',
      { locationId: 'berlin', name: 'Berlin', type: 'warehouse', canShip: true, priority: 1, handlingCost: 0, active: true, actor: 'test' },
      { correlationId: 'loc-1' },
    );
    await eventually(async () => (await raw.count('inventory.commands.dlq')) === 1, 5000, 20);
    const [dead] = await raw.drain('inventory.commands.dlq');
    expect(dead.properties.messageId).toBe(command.id);
    expect(header(dead, 'x-oms-error')).toBe('refused (409): location berlin is locked');
    expect(await raw.count('ingestion.order-progress')).toBe(0);
  });
});
