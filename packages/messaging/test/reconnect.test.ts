import { randomUUID } from 'node:crypto';
import { buildEnvelope, QueueConsumer, type Broker } from '@oms/messaging';
import { TestStack, eventually } from '@oms/testing';
import type { Envelope } from '@oms/contracts';
import { killConnection, newBroker, RawAmqp, sleep } from './helpers';

const QUEUE = 'fulfillment.commands';
const TOTAL = 300;

describe('broker connection lost under a running consumer', () => {
  let stack: TestStack;
  let broker: Broker | undefined;
  let raw: RawAmqp | undefined;
  beforeAll(async () => (stack = await TestStack.create()));
  afterAll(async () => {
    await broker?.close();
    await raw?.close();
    await stack.cleanup();
  });

  it('when the connection is closed by the broker while 300 messages flow, then the consumer re-subscribes by itself and every confirmed message is handled', async () => {
    const name = `reconnect-${stack.id}`;
    broker = newBroker(stack.amqpUrl, name, { publishWaitMs: 5000 });
    const states: boolean[] = [];
    broker.on('connected', () => states.push(true));
    broker.on('disconnected', () => states.push(false));

    const handled = new Map<string, number>(); // message id -> deliveries (at-least-once: dedupe by id)
    const consumer = new QueueConsumer(
      broker,
      QUEUE,
      {
        'fulfillment.pack.v1': async (m) => {
          await sleep(2); // a handler's work: keeps 300 messages flowing long enough for the cut to fall in the middle (not a wait for a condition)
          handled.set(m.id, (handled.get(m.id) ?? 0) + 1);
        },
      },
      { prefetch: 20, maxAttempts: 5, retryDelaysMs: [50] },
    );
    await broker.connect();
    await consumer.start();
    expect(broker.isConnected()).toBe(true);

    // Publish like an outbox would: a publish that failed is repeated with the same envelope (same id).
    const confirmed = new Set<string>();
    const failures: string[] = [];
    const envelopes: Envelope[] = Array.from({ length: TOTAL }, (_, i) =>
      buildEnvelope(name, 'fulfillment.pack.v1', { fulfillmentId: `f-${i}`, actor: 'test' }, { correlationId: `o-${i}` }),
    );
    const b = broker;
    const publishAll = async () => {
      let next = 0;
      const worker = async () => {
        while (next < envelopes.length) {
          const env = envelopes[next++];
          for (;;) {
            try {
              await b.publishEnvelope(env);
              confirmed.add(env.id);
              break;
            } catch (err) {
              failures.push((err as Error).name);
              await sleep(50); // the outbox's back-off before it tries again (part of the scenario, not a wait for a condition)
            }
          }
          await sleep(1); // a producer's pace, as above
        }
      };
      await Promise.all(Array.from({ length: 4 }, worker));
    };
    const publishing = publishAll();

    await eventually(() => handled.size >= 60, 10000, 10);
    const killedAt = handled.size;
    expect(await killConnection(stack.vhost, name)).toBe(1);
    await eventually(() => states.includes(false), 5000, 10);
    await publishing;
    await eventually(() => states[states.length - 1] === true && broker!.isConnected(), 10000, 20);

    // Every confirmed publish is delivered and handled (possibly twice: the ack of a message handled just
    // before the cut was lost with the connection).
    await eventually(() => [...confirmed].every((id) => handled.has(id)), 15000, 50);
    expect(confirmed.size).toBe(TOTAL);
    expect(handled.size).toBe(TOTAL);
    expect(killedAt).toBeLessThan(TOTAL);
    expect(states.slice(0, 3)).toEqual([true, false, true]); // isConnected() went false, then true again
    // A publish that hit the outage failed with an error (never resolved without a confirm).
    for (const f of failures) expect(['PublishNotConfirmedError', 'BrokerUnavailableError']).toContain(f);
    console.log(
      `[reconnect] killed after ${killedAt} handled; states ${states.join(',')}; publish failures ${failures.length}; redelivered ${[...handled.values()].filter((n) => n > 1).length}`,
    );

    // The consumer is subscribed again (not only connected): a new message is handled.
    raw = await RawAmqp.open(stack.amqpUrl);
    const late = await broker.publish('fulfillment.pack.v1', { fulfillmentId: 'late', actor: 'test' }, { correlationId: randomUUID() });
    await eventually(() => handled.has(late.id), 5000, 20);
    expect(await raw.count(QUEUE)).toBe(0);
    await consumer.stop();
  });
});
