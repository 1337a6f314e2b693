import { randomUUID } from 'node:crypto';
import { COMMANDS_EXCHANGE } from '@oms/contracts';
import { DELIVERY_LIMIT, QueueConsumer, type Broker } from '@oms/messaging';
import { TestStack, eventually, expectNothingWithin } from '@oms/testing';
import { header, RawAmqp, openMessagingTest, closeMessagingTest } from './helpers';

const QUEUE = 'fulfillment.commands';
const DLQ = `${QUEUE}.dlq`;

describe('retries and dead letters', () => {
  let stack: TestStack;
  let broker: Broker;
  let raw: RawAmqp;
  beforeAll(async () => void ({ stack, broker, raw } = await openMessagingTest('retry-test')));
  afterAll(() => closeMessagingTest(stack, broker, raw));

  it('when a message keeps coming back unacknowledged (its consumer dies holding it), then past the delivery limit the broker moves it to the DLQ instead of dropping it', async () => {
    const poison = await broker.publish('fulfillment.pack.v1', { fulfillmentId: 'kills-its-consumer', actor: 'test' }, { correlationId: 'o-limit' });
    // Each nack with requeue stands for a consumer that crashed or lost its connection holding the message.
    for (let delivery = 1; delivery <= DELIVERY_LIMIT + 1; delivery++) {
      const msg = await eventually(() => raw.channel.get(QUEUE, { noAck: false }).then((m) => m || undefined), 5000, 20);
      expect(msg.properties.messageId).toBe(poison.id);
      raw.channel.nack(msg, false, true);
    }

    await eventually(async () => (await raw.count(DLQ)) === 1, 10000, 50);
    const [dead] = await raw.drain(DLQ);
    expect(JSON.parse(dead.content.toString())).toEqual(poison);
    expect(JSON.stringify(header(dead, 'x-death'))).toContain('delivery_limit');
    expect(await raw.count(QUEUE)).toBe(0);
  });

  it('when operators look at a dead letter many times (each look hands it back), then it stays in the DLQ', async () => {
    const letter = await broker.publish('fulfillment.pack.v1', { fulfillmentId: 'looked-at', actor: 'test' }, { correlationId: 'o-look' });
    raw.channel.sendToQueue(DLQ, Buffer.from(JSON.stringify(letter)), { persistent: true, messageId: letter.id });
    await raw.drain(QUEUE);
    for (let look = 1; look <= DELIVERY_LIMIT + 5; look++) {
      const msg = await eventually(() => raw.channel.get(DLQ, { noAck: false }).then((m) => m || undefined), 5000, 20);
      raw.channel.nack(msg, false, true);
    }
    await eventually(async () => (await raw.count(DLQ)) === 1, 5000, 50);
    const [kept] = await raw.drain(DLQ);
    expect(kept.properties.messageId).toBe(letter.id);
  });

  it('when a handler keeps failing, then it is retried with growing delay and dead-lettered after maxAttempts with the reason, and other messages are unaffected', async () => {
    const delays = [100, 200, 400];
    const attempts: Array<{ at: number; attempt: number }> = [];
    const good: string[] = [];
    const consumer = new QueueConsumer(
      broker,
      QUEUE,
      {
        'fulfillment.pack.v1': async (m, ctx) => {
          if (m.data.fulfillmentId === 'poison') {
            attempts.push({ at: Date.now(), attempt: ctx.attempt });
            throw new Error('label printer on fire');
          }
          good.push(m.data.fulfillmentId);
        },
      },
      { prefetch: 10, maxAttempts: 4, retryDelaysMs: delays },
    );
    await consumer.start();
    const poison = await broker.publish('fulfillment.pack.v1', { fulfillmentId: 'poison', actor: 'test' }, { correlationId: 'o-1' });
    for (let i = 0; i < 5; i++) await broker.publish('fulfillment.pack.v1', { fulfillmentId: `ok-${i}`, actor: 'test' }, { correlationId: `o-ok-${i}` });

    await eventually(async () => (await raw.count(DLQ)) === 1, 10000, 50);
    await consumer.stop();

    expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3, 4]);
    const gaps = attempts.slice(1).map((a, i) => a.at - attempts[i].at);
    console.log(`[retries] gaps between attempts (ms): ${gaps.join(', ')} for configured delays ${delays.join(', ')}`);
    gaps.forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual(delays[i] - 5)); // a timer may fire a few ms early
    expect(gaps[2]).toBeGreaterThan(gaps[0]); // growing

    const [dead] = await raw.drain(DLQ);
    expect(dead.properties.messageId).toBe(poison.id);
    expect(header(dead, 'x-oms-error')).toBe('label printer on fire');
    expect(header(dead, 'x-oms-attempt')).toBe(4);
    expect(typeof header(dead, 'x-oms-failed-at')).toBe('string');
    expect(JSON.parse(dead.content.toString())).toEqual(poison); // the original envelope, replayable as is

    // Nothing else lost or stuck: the good ones were handled once, the queue and its delay queues are empty.
    expect(good.sort()).toEqual(['ok-0', 'ok-1', 'ok-2', 'ok-3', 'ok-4']);
    expect(await raw.count(QUEUE)).toBe(0);
    for (const ms of delays) expect(await raw.count(`${QUEUE}.delay.${ms}ms`)).toBe(0);
  });

  it('when a message is not valid JSON, has an unknown type or data failing its schema, then it goes to the DLQ at once without calling the handler', async () => {
    let calls = 0;
    // Retries would take 5 s: a message that reaches the DLQ well before that was not retried.
    const consumer = new QueueConsumer(
      broker,
      QUEUE,
      { 'fulfillment.pack.v1': async () => void calls++ },
      { prefetch: 10, maxAttempts: 4, retryDelaysMs: [5000] },
    );
    await consumer.start();
    const started = Date.now();
    const envelope = (type: string, data: unknown) =>
      Buffer.from(
        JSON.stringify({ id: randomUUID(), type, occurredAt: new Date().toISOString(), producer: 'test', correlationId: 'o-1', causationId: null, data }),
      );
    const send = (id: string, body: Buffer) => broker.publishRaw(COMMANDS_EXCHANGE, 'fulfillment.pack.v1', body, { messageId: id, requireRoute: true });
    await send('bad-json', Buffer.from('{"id": "x", oops'));
    await send('unknown-type', envelope('fulfillment.teleport.v1', { fulfillmentId: 'f1', actor: 'test' }));
    await send('bad-data', envelope('fulfillment.pack.v1', { fulfillmentId: 42 }));
    await send('no-envelope', Buffer.from(JSON.stringify({ fulfillmentId: 'f1', actor: 'test' })));

    await eventually(async () => (await raw.count(DLQ)) === 4, 4000, 50);
    const elapsed = Date.now() - started;
    // The handler must never be called for them: an absence, watched a moment longer before the consumer stops.
    await expectNothingWithin(100, () => calls > 0, 'the handler called for a message that breaks its contract');
    await consumer.stop();

    expect(elapsed).toBeLessThan(5000);
    expect(calls).toBe(0);
    const dead = await raw.drain(DLQ);
    const reasons = Object.fromEntries(dead.map((m) => [m.properties.messageId, String(header(m, 'x-oms-error'))]));
    expect(reasons['bad-json']).toMatch(/^unparseable message/);
    expect(reasons['unknown-type']).toMatch(/unknown message type fulfillment\.teleport\.v1/);
    expect(reasons['bad-data']).toMatch(/invalid fulfillment\.pack\.v1 data: .*fulfillmentId/);
    expect(reasons['bad-data']).toMatch(/actor/);
    expect(reasons['no-envelope']).toMatch(/invalid envelope/);
    for (const m of dead) expect(header(m, 'x-oms-attempt')).toBe(1);
    expect(await raw.count(`${QUEUE}.delay.5000ms`)).toBe(0);
    expect(await raw.count(QUEUE)).toBe(0);
  });

  it('when a valid message has no handler on this queue, then it is dead-lettered rather than acked and forgotten', async () => {
    const consumer = new QueueConsumer(
      broker,
      QUEUE,
      { 'fulfillment.pack.v1': async () => undefined },
      { prefetch: 10, maxAttempts: 4, retryDelaysMs: [5000] },
    );
    await consumer.start();
    const cancel = await broker.publish('fulfillment.cancel.v1', { orderId: 'o-9' }, { correlationId: 'o-9' });
    await eventually(async () => (await raw.count(DLQ)) === 1, 4000, 50);
    await consumer.stop();
    const [dead] = await raw.drain(DLQ);
    expect(dead.properties.messageId).toBe(cancel.id);
    expect(header(dead, 'x-oms-error')).toBe(`no handler for fulfillment.cancel.v1 on ${QUEUE}`);
  });
});
