import { Broker, CommandClient, QueueConsumer } from '@oms/messaging';
import { createLogger } from '@oms/logging';
import { TestStack, eventually } from '@oms/testing';
import { AppError } from '@oms/errors';

describe('messaging smoke', () => {
  let stack: TestStack;
  beforeAll(async () => (stack = await TestStack.create()));
  afterAll(async () => stack.cleanup());

  it('when a command is sent, then its handler answers', async () => {
    const logger = createLogger('smoke', 'silent');
    const broker = new Broker({ url: stack.amqpUrl, service: 'smoke', logger });
    const seen: string[] = [];
    const consumer = new QueueConsumer(broker, 'fulfillment.commands', {
      'fulfillment.pack.v1': async (m) => {
        seen.push(m.data.fulfillmentId);
        if (m.data.fulfillmentId === 'missing') throw new AppError(404, 'Not Found', 'nope');
        return { packed: m.data.fulfillmentId };
      },
    }, { prefetch: 10, maxAttempts: 3, retryDelaysMs: [50] });
    await broker.connect();
    await consumer.start();
    const client = new CommandClient(broker);
    await client.start();
    const out = await client.send('fulfillment.pack.v1', { fulfillmentId: 'f1', actor: 'me' }, { correlationId: 'o1' });
    expect(out).toEqual({ status: 'done', result: { packed: 'f1' } });
    await expect(client.send('fulfillment.pack.v1', { fulfillmentId: 'missing', actor: 'me' }, { correlationId: 'o1' })).rejects.toMatchObject({ status: 404 });
    await eventually(() => seen.length === 2);
    await consumer.stop();
    await client.close();
    await broker.close();
  });
});
