import { randomUUID } from 'node:crypto';
import { EVENTS_EXCHANGE } from '@oms/contracts';
import { BrokerUnavailableError, UnroutableMessageError, type Broker } from '@oms/messaging';
import { TestStack, freePort } from '@oms/testing';
import { newBroker, RawAmqp, openMessagingTest, closeMessagingTest } from './helpers';

describe('a publish resolves only when the broker took the message', () => {
  let stack: TestStack;
  let broker: Broker;
  let raw: RawAmqp;
  beforeAll(async () => void ({ stack, broker, raw } = await openMessagingTest('confirm-test')));
  afterAll(() => closeMessagingTest(stack, broker, raw));

  it('when a command has no queue bound for its routing key, then the publish fails with UnroutableMessageError', async () => {
    await raw.channel.deleteQueue('carrier.commands'); // the one queue bound for carrier.* commands
    await expect(
      broker.publish('carrier.configure.v1', { carrierId: 'dhl', webhookSecret: 'x'.repeat(16), actor: 'test' }, { correlationId: 'c-1' }),
    ).rejects.toBeInstanceOf(UnroutableMessageError);
    // The same publish to a bound queue goes through on the same channel afterwards.
    await expect(broker.publish('fulfillment.cancel.v1', { orderId: 'o-1' }, { correlationId: 'o-1' })).resolves.toMatchObject({
      type: 'fulfillment.cancel.v1',
    });
    expect(await raw.count('fulfillment.commands')).toBe(1);
  });

  it('when a raw publish that requires a route has no binding, then it fails; without requireRoute the broker drops it and the publish resolves', async () => {
    const body = Buffer.from('{}');
    await expect(broker.publishRaw(EVENTS_EXCHANGE, 'nothing.bound.v1', body, { messageId: randomUUID(), requireRoute: true })).rejects.toBeInstanceOf(
      UnroutableMessageError,
    );
    // Events are published without requireRoute: an event nobody subscribes to is not an error.
    await expect(broker.publishRaw(EVENTS_EXCHANGE, 'nothing.bound.v1', body, { messageId: randomUUID(), requireRoute: false })).resolves.toBeUndefined();
  });

  it('when the broker is unreachable, then a publish fails with BrokerUnavailableError within the wait window', async () => {
    const port = await freePort();
    const nowhere = newBroker(`amqp://guest:guest@127.0.0.1:${port}`, 'nowhere', { publishWaitMs: 300 });
    const connecting = nowhere.connect(); // keeps retrying in the background
    const started = Date.now();
    await expect(nowhere.publish('fulfillment.cancel.v1', { orderId: 'o-2' }, { correlationId: 'o-2' })).rejects.toBeInstanceOf(BrokerUnavailableError);
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(290);
    expect(waited).toBeLessThan(2000);
    expect(nowhere.isConnected()).toBe(false);
    await nowhere.close();
    await connecting; // the retry loop ends once closed
  });

  it('when the broker was closed, then a publish fails at once instead of waiting or resolving', async () => {
    const closing = newBroker(stack.amqpUrl, 'closed-test');
    await closing.connect();
    await closing.close();
    const started = Date.now();
    await expect(closing.publish('fulfillment.cancel.v1', { orderId: 'o-3' }, { correlationId: 'o-3' })).rejects.toBeInstanceOf(BrokerUnavailableError);
    expect(Date.now() - started).toBeLessThan(100);
  });

  it('when data breaks the contract, then publish throws before anything is sent', async () => {
    const before = await raw.count('fulfillment.commands');
    // @ts-expect-error: deliberately invalid data
    await expect(broker.publish('fulfillment.cancel.v1', { order: 'o-4' }, { correlationId: 'o-4' })).rejects.toThrow(/orderId/);
    expect(await raw.count('fulfillment.commands')).toBe(before);
  });
});
