import type { Channel } from 'amqplib';
import { QueueConsumer, type Broker } from '@oms/messaging';
import { TestStack, eventually } from '@oms/testing';
import { RawAmqp, openMessagingTest, closeMessagingTest } from './helpers';

const QUEUE = 'fulfillment.commands';

describe('a consumer whose channel the broker closes', () => {
  let stack: TestStack;
  let broker: Broker;
  let raw: RawAmqp;
  beforeAll(async () => void ({ stack, broker, raw } = await openMessagingTest('channel-loss-test')));
  afterAll(() => closeMessagingTest(stack, broker, raw));

  it('when the broker closes the channel with a channel error (as consumer_timeout does), then readiness sees it unsubscribed and it subscribes again on a new channel', async () => {
    const handled: string[] = [];
    const consumer = new QueueConsumer(
      broker,
      QUEUE,
      { 'fulfillment.pack.v1': async (m) => void handled.push(m.data.fulfillmentId) },
      { prefetch: 5, maxAttempts: 3, retryDelaysMs: [50] },
    );
    await consumer.start();
    await broker.publish('fulfillment.pack.v1', { fulfillmentId: 'before', actor: 'test' }, { correlationId: 'o-1' });
    await eventually(() => handled.includes('before'), 5000, 20);

    // A channel-level error: acknowledging a delivery tag the channel never had. RabbitMQ closes the
    // channel (PRECONDITION_FAILED), as it does after consumer_timeout; the connection stays up.
    const channel = (consumer as unknown as { channel: Channel }).channel;
    const closed = new Promise((resolve) => channel.once('close', resolve));
    channel.ack({ fields: { deliveryTag: 99999 } } as never);
    await closed;
    expect(consumer.isSubscribed()).toBe(false);
    expect(broker.isConnected()).toBe(true);

    await eventually(() => consumer.isSubscribed(), 5000, 20);
    await broker.publish('fulfillment.pack.v1', { fulfillmentId: 'after', actor: 'test' }, { correlationId: 'o-2' });
    await eventually(() => handled.includes('after'), 5000, 20);
    await consumer.stop();
    expect(await raw.count(QUEUE)).toBe(0);
  });

  it('when the queue is deleted under the consumer (the broker cancels the subscription), then it subscribes again once the queue is back', async () => {
    const handled: string[] = [];
    const consumer = new QueueConsumer(
      broker,
      QUEUE,
      { 'fulfillment.pack.v1': async (m) => void handled.push(m.data.fulfillmentId) },
      { prefetch: 5, maxAttempts: 3, retryDelaysMs: [50] },
    );
    await consumer.start();
    expect(consumer.isSubscribed()).toBe(true);
    const args = (await import('@oms/messaging')).workQueueArguments(QUEUE);
    await raw.channel.deleteQueue(QUEUE);
    await eventually(() => !consumer.isSubscribed(), 5000, 20);
    await raw.channel.assertQueue(QUEUE, { durable: true, arguments: args });
    await raw.channel.bindQueue(QUEUE, 'oms.commands', 'fulfillment.pack.v1');
    await eventually(() => consumer.isSubscribed(), 10_000, 50);
    await broker.publish('fulfillment.pack.v1', { fulfillmentId: 'queue-back', actor: 'test' }, { correlationId: 'o-3' });
    await eventually(() => handled.includes('queue-back'), 5000, 20);
    await consumer.stop();
  });
});
