import { AppError } from '@oms/errors';
import { CommandClient, QueueConsumer, type Broker } from '@oms/messaging';
import { TestStack, eventually, expectNothingWithin } from '@oms/testing';
import { newBroker } from './helpers';

describe('commands with replies (CommandClient)', () => {
  let stack: TestStack;
  let broker: Broker;
  let consumer: QueueConsumer;
  let client: CommandClient;
  const seen: string[] = [];
  /** The 'slow' command's handler waits here until the test has its answer (pending) in hand. */
  let releaseSlow!: () => void;
  const slowGate = new Promise<void>((resolve) => (releaseSlow = resolve));
  beforeAll(async () => {
    stack = await TestStack.create();
    broker = newBroker(stack.amqpUrl, 'rpc-test');
    consumer = new QueueConsumer(
      broker,
      'fulfillment.commands',
      {
        'fulfillment.pack.v1': async (m) => {
          seen.push(m.data.fulfillmentId);
          if (m.data.fulfillmentId === 'missing') throw new AppError(404, 'Not Found', `no fulfillment ${m.data.fulfillmentId}`);
          if (m.data.fulfillmentId === 'slow') {
            await slowGate;
            seen.push('slow done');
          }
          return { packed: m.data.fulfillmentId };
        },
      },
      { prefetch: 10, maxAttempts: 3, retryDelaysMs: [50] },
    );
    client = new CommandClient(broker); // registered before connect: its reply queue is made in the connect hook
    await broker.connect();
    await consumer.start();
    await client.start();
  });
  afterAll(async () => {
    releaseSlow(); // stop() waits for a handler in hand
    await consumer.stop();
    await client.close();
    await broker.close();
    await stack.cleanup();
  });

  it('when a command is handled, then the sender gets the handler result', async () => {
    const out = await client.send('fulfillment.pack.v1', { fulfillmentId: 'f1', actor: 'me' }, { correlationId: 'o1' });
    expect(out).toEqual({ status: 'done', result: { packed: 'f1' } });
  });

  it('when the handler refuses the command with a 4xx AppError, then the sender gets that problem and the command is not retried', async () => {
    await expect(client.send('fulfillment.pack.v1', { fulfillmentId: 'missing', actor: 'me' }, { correlationId: 'o1' })).rejects.toMatchObject({
      status: 404,
      detail: 'no fulfillment missing',
    });
    // A retry would come after 50 ms (retryDelaysMs): an absence, watched for four times that.
    await expectNothingWithin(200, () => seen.filter((s) => s === 'missing').length > 1, 'a refused command retried');
    expect(seen.filter((s) => s === 'missing')).toHaveLength(1);
  });

  it('when the answer takes longer than the timeout, then the sender gets pending and the command is still carried out', async () => {
    // The handler answers only once the sender has been told pending: the answer comes after the 100 ms timeout, whatever the load.
    const out = await client.send('fulfillment.pack.v1', { fulfillmentId: 'slow', actor: 'me' }, { correlationId: 'o2' }, 100);
    expect(out).toEqual({ status: 'pending' });
    expect(seen).not.toContain('slow done');
    releaseSlow();
    await eventually(() => seen.includes('slow done'), 3000, 20);
  });
});
