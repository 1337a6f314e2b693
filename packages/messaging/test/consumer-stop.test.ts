import { QueueConsumer, type Broker } from '@oms/messaging';
import { TestStack, eventually, expectNothingWithin } from '@oms/testing';
import { RawAmqp, openMessagingTest, closeMessagingTest } from './helpers';

const QUEUE = 'fulfillment.commands';

describe('stopping a consumer', () => {
  let stack: TestStack;
  let broker: Broker;
  let raw: RawAmqp;
  beforeAll(async () => void ({ stack, broker, raw } = await openMessagingTest('stop-test')));
  afterAll(() => closeMessagingTest(stack, broker, raw));

  it('when stop() is called while a handler runs, then it resolves only after the handler finished, and no new message is taken afterwards', async () => {
    const log: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const consumer = new QueueConsumer(
      broker,
      QUEUE,
      {
        'fulfillment.pack.v1': async (m) => {
          log.push(`start ${m.data.fulfillmentId}`);
          if (m.data.fulfillmentId === 'slow') await gate;
          log.push(`end ${m.data.fulfillmentId}`);
        },
      },
      { prefetch: 5, maxAttempts: 3, retryDelaysMs: [50] },
    );
    await consumer.start();
    await broker.publish('fulfillment.pack.v1', { fulfillmentId: 'slow', actor: 'test' }, { correlationId: 'o-1' });
    await eventually(() => log.includes('start slow'), 5000, 10);

    let stopped = false;
    const stopping = consumer.stop().then(() => {
      stopped = true;
      log.push('stopped');
    });
    // stop() must not resolve while the handler is held at the gate: an absence, watched for a while.
    await expectNothingWithin(200, () => stopped, 'stop() resolved before the handler in hand finished');
    expect(stopped).toBe(false); // still waiting for the handler in hand
    release();
    await stopping;
    expect(log).toEqual(['start slow', 'end slow', 'stopped']);
    // The in-flight message was acked (not left for redelivery).
    expect(await raw.count(QUEUE)).toBe(0);

    await broker.publish('fulfillment.pack.v1', { fulfillmentId: 'after-stop', actor: 'test' }, { correlationId: 'o-2' });
    // No sleep needed: the queue has no consumer left, so nothing can take the message (it is confirmed, so in the queue).
    await eventually(async () => (await raw.channel.checkQueue(QUEUE)).consumerCount === 0, 5000, 20);
    expect(log).not.toContain('start after-stop');
    expect(await raw.count(QUEUE)).toBe(1); // it waits in the queue for the next consumer
  });
});
