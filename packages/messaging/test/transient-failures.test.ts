import { AppError } from '@oms/errors';
import { isTransientError, QueueConsumer, type Broker } from '@oms/messaging';
import { TestStack, eventually, expectNothingWithin } from '@oms/testing';
import { header, RawAmqp, openMessagingTest, closeMessagingTest } from './helpers';

const QUEUE = 'fulfillment.commands';
const DLQ = `${QUEUE}.dlq`;

/** What the mongodb driver throws while the store is unreachable. */
class MongoServerSelectionError extends Error {
  override name = 'MongoServerSelectionError';
}

describe('retries of transient failures are bounded by time, handler bugs by a count', () => {
  let stack: TestStack;
  let broker: Broker;
  let raw: RawAmqp;
  beforeAll(async () => void ({ stack, broker, raw } = await openMessagingTest('transient-test')));
  afterAll(() => closeMessagingTest(stack, broker, raw));
  afterEach(() => raw.drain(DLQ));

  it('when errors say a dependency is down, then they are transient; bugs, refusals and invalid data are not', () => {
    expect(isTransientError(new MongoServerSelectionError('connect ECONNREFUSED 127.0.0.1:27017'))).toBe(true);
    expect(isTransientError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isTransientError(new Error('Connection is closed.'))).toBe(true);
    expect(isTransientError(Object.assign(new Error("OOM command not allowed when used memory > 'maxmemory'."), { name: 'ReplyError' }))).toBe(true);
    expect(isTransientError(new Error('wrapped', { cause: Object.assign(new Error('x'), { name: 'LockTimeoutError' }) }))).toBe(true);
    expect(isTransientError(new AppError(503, 'Service Unavailable', 'provider circuit open'))).toBe(true);
    expect(isTransientError(new TypeError("Cannot read properties of undefined (reading 'sku')"))).toBe(false);
    expect(isTransientError(new AppError(500, 'Internal Server Error', 'bug'))).toBe(false);
    expect(isTransientError(new AppError(409, 'Conflict', 'already shipped'))).toBe(false);
  });

  it('when the store is down for longer than maxAttempts quick retries take, then the message is retried until it is back and handled, not dead-lettered', async () => {
    let storeDownUntil = Date.now() + 1500;
    const attempts: number[] = [];
    const handled: string[] = [];
    const consumer = new QueueConsumer(
      broker,
      QUEUE,
      {
        'fulfillment.pack.v1': async (m, ctx) => {
          attempts.push(ctx.attempt);
          if (Date.now() < storeDownUntil) throw new MongoServerSelectionError('Server selection timed out after 2000 ms');
          handled.push(m.data.fulfillmentId);
        },
      },
      // Before: 3 attempts 100 ms apart, then the DLQ, long before the store came back.
      { prefetch: 5, maxAttempts: 3, retryDelaysMs: [100], retryWindowMs: 10_000 },
    );
    await consumer.start();
    await broker.publish('fulfillment.pack.v1', { fulfillmentId: 'during-outage', actor: 'test' }, { correlationId: 'o-out' });
    await eventually(() => handled.includes('during-outage'), 10_000, 50);
    await consumer.stop();
    storeDownUntil = 0;
    console.log(`[transient] handled at attempt ${attempts[attempts.length - 1]} after the outage (maxAttempts 3)`);
    expect(attempts.length).toBeGreaterThan(3);
    expect(await raw.count(DLQ)).toBe(0);
  });

  it('when the retry window passes with the dependency still down, then the message goes to the DLQ with its reason', async () => {
    const consumer = new QueueConsumer(
      broker,
      QUEUE,
      {
        'fulfillment.pack.v1': async () => {
          throw new MongoServerSelectionError('Server selection timed out after 2000 ms');
        },
      },
      { prefetch: 5, maxAttempts: 50, retryDelaysMs: [100], retryWindowMs: 600 },
    );
    await consumer.start();
    const started = Date.now();
    const msg = await broker.publish('fulfillment.pack.v1', { fulfillmentId: 'outage-too-long', actor: 'test' }, { correlationId: 'o-long' });
    await eventually(async () => (await raw.count(DLQ)) === 1, 10_000, 50);
    await consumer.stop();
    expect(Date.now() - started).toBeGreaterThanOrEqual(600);
    const [dead] = await raw.drain(DLQ);
    expect(dead.properties.messageId).toBe(msg.id);
    expect(String(header(dead, 'x-oms-error'))).toMatch(/^Server selection timed out after 2000 ms \(transient failures for \d+ s\)$/);
  });

  it('when a dependency is known to be down (the gate paused consuming), then the outage does not use up the retry window, and the message is handled after it', async () => {
    let down = true;
    const handled: string[] = [];
    const consumer = new QueueConsumer(
      broker,
      QUEUE,
      {
        'fulfillment.pack.v1': async (m) => {
          if (down) throw new MongoServerSelectionError('Server selection timed out after 2000 ms');
          handled.push(m.data.fulfillmentId);
        },
      },
      { prefetch: 5, maxAttempts: 3, retryDelaysMs: [100], retryWindowMs: 300, dependenciesDown: () => down },
    );
    await consumer.start();
    await broker.publish('fulfillment.pack.v1', { fulfillmentId: 'long-outage', actor: 'test' }, { correlationId: 'o-long-outage' });
    // Three windows long: without the outage rule it would be in the DLQ by now.
    await new Promise((r) => setTimeout(r, 900));
    expect(await raw.count(DLQ)).toBe(0);
    down = false;
    await eventually(() => handled.includes('long-outage'), 5000, 20);
    await consumer.stop();
    expect(await raw.count(DLQ)).toBe(0);
  });

  it('when a handler bug fails while transient failures come in between, then only the bug`s failures count and it reaches the DLQ after maxAttempts of them', async () => {
    let calls = 0;
    const consumer = new QueueConsumer(
      broker,
      QUEUE,
      {
        'fulfillment.pack.v1': async () => {
          calls++;
          if (calls % 2 === 1) throw new MongoServerSelectionError('flapping store');
          throw new TypeError('handler bug');
        },
      },
      { prefetch: 5, maxAttempts: 3, retryDelaysMs: [50], retryWindowMs: 60_000 },
    );
    await consumer.start();
    await broker.publish('fulfillment.pack.v1', { fulfillmentId: 'buggy', actor: 'test' }, { correlationId: 'o-bug' });
    await eventually(async () => (await raw.count(DLQ)) === 1, 10_000, 50);
    await consumer.stop();
    expect(calls).toBe(6); // 3 bug failures, 3 transient ones in between
    const [dead] = await raw.drain(DLQ);
    expect(header(dead, 'x-oms-error')).toBe('handler bug');
    expect(header(dead, 'x-oms-errors')).toBe(3);
  });

  it('when a consumer is paused, then messages wait in the queue untouched, and are handled after resume', async () => {
    const handled: string[] = [];
    const consumer = new QueueConsumer(
      broker,
      QUEUE,
      { 'fulfillment.pack.v1': async (m) => void handled.push(m.data.fulfillmentId) },
      { prefetch: 5, maxAttempts: 3, retryDelaysMs: [50] },
    );
    await consumer.start();
    expect(consumer.isSubscribed()).toBe(true);
    await consumer.pause();
    expect(consumer.isSubscribed()).toBe(false);
    for (let i = 0; i < 3; i++) await broker.publish('fulfillment.pack.v1', { fulfillmentId: `paused-${i}`, actor: 'test' }, { correlationId: `o-p${i}` });
    await expectNothingWithin(300, () => handled.length > 0, 'a message handled while paused');
    expect(await raw.count(QUEUE)).toBe(3);
    await consumer.resume();
    await eventually(() => handled.length === 3, 5000, 20);
    expect(consumer.isSubscribed()).toBe(true);
    await consumer.stop();
  });
});
