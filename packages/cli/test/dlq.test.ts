import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import amqp, { type Channel, type ChannelModel } from 'amqplib';
import { COMMANDS_EXCHANGE, QUEUES } from '@oms/contracts';
import { createLogger } from '@oms/logging';
import { Broker, QueueConsumer } from '@oms/messaging';
import { TestStack, eventually, expectNothingWithin, rabbitmqctl } from '@oms/testing';
import { listDlqs, replayDlq, showDlq, type DeadLetter } from '../src/dlq';

const QUEUE = 'fulfillment.commands';
const DLQ = `${QUEUE}.dlq`;
/** The real entry; `npm test` builds it (deploy/setup.sh), by hand: npx tsc -b packages/cli. */
const OMS_JS = join(__dirname, '../bin/oms.js');

function capture() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (c) => (text += c.toString()));
  return { stream, text: () => text };
}

function oms(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [OMS_JS, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

let published = 0;

describe('oms dlq', () => {
  let stack: TestStack;
  let broker: Broker;
  let consumer: QueueConsumer;
  let raw: ChannelModel;
  let rawChannel: Channel;
  /** Whether the fulfillment handler fails (the incident) or works (the fix is deployed). */
  let failing = true;
  let handled: Array<{ id: string; attempt: number; repeated: boolean }> = [];

  const count = async (queue: string) => (await rawChannel.checkQueue(queue)).messageCount;
  const opts = () => ({ amqpUrl: stack.amqpUrl, out: capture().stream, err: capture().stream });
  const lettersIn = async (limit = 50): Promise<DeadLetter[]> => {
    const out = capture();
    expect(await showDlq(QUEUE, { ...opts(), limit, json: true, out: out.stream })).toBe(0);
    return out
      .text()
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as DeadLetter);
  };

  /** Commands that fail in the handler until they are dead-lettered, by the real consumer. */
  async function deadLetter(n: number): Promise<string[]> {
    const before = await count(DLQ);
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const envelope = await broker.publish('fulfillment.pack.v1', { fulfillmentId: `f-${++published}`, actor: 'test' }, { correlationId: `o-${i}` });
      ids.push(envelope.id);
      // One at a time, so the DLQ holds them in publish order.
      await eventually(async () => (await count(DLQ)) === before + i + 1, 10000, 20);
    }
    return ids;
  }

  beforeAll(async () => {
    stack = await TestStack.create();
    // Connecting declares the topology (declareTopology) on the test's own vhost.
    broker = new Broker({ url: stack.amqpUrl, service: 'test', logger: createLogger('test', 'silent') });
    await broker.connect();
    consumer = new QueueConsumer(
      broker,
      QUEUE,
      {
        'fulfillment.pack.v1': async (m, ctx) => {
          if (failing) throw new Error(`warehouse system down for ${m.data.fulfillmentId}`);
          handled.push({ id: m.id, attempt: ctx.attempt, repeated: ctx.repeated });
        },
      },
      { prefetch: 10, maxAttempts: 2, retryDelaysMs: [50] },
    );
    await consumer.start();
    raw = await amqp.connect(stack.amqpUrl);
    rawChannel = await raw.createChannel();
  });
  afterAll(async () => {
    await consumer.stop();
    await raw.close();
    await broker.close();
    await stack.cleanup();
  });
  beforeEach(async () => {
    failing = true;
    handled = [];
    await rawChannel.purgeQueue(DLQ);
  });

  it('when messages were dead-lettered, then list shows the count of each DLQ of the topology', async () => {
    await deadLetter(3);
    const out = capture();
    expect(await listDlqs({ ...opts(), out: out.stream })).toBe(0);
    expect(out.text()).toMatch(/^fulfillment\.commands\.dlq\s+3$/m);
    expect(out.text()).toMatch(/^inventory\.commands\.dlq\s+0$/m);
    const json = capture();
    expect(await listDlqs({ ...opts(), json: true, out: json.stream })).toBe(0);
    const doc = JSON.parse(json.text()) as { vhost: string; queues: Array<{ queue: string; messages: number }> };
    expect(doc.vhost).toBe(stack.vhost);
    expect(doc.queues).toContainEqual({ queue: DLQ, messages: 3 });
    expect(doc.queues).toHaveLength(QUEUES.length);
  });

  it('when show is run, then it prints id, type, correlation, reason, attempt and time of the first N, and removes none', async () => {
    const ids = await deadLetter(3);
    // A message that breaks its contract goes to the DLQ at once, with the validation error as the reason.
    const invalid = {
      id: 'bad-1',
      type: 'fulfillment.pack.v1',
      occurredAt: new Date().toISOString(),
      producer: 'test',
      correlationId: 'o-bad',
      causationId: null,
      data: { actor: 'test' },
    };
    await broker.publishRaw(COMMANDS_EXCHANGE, 'fulfillment.pack.v1', Buffer.from(JSON.stringify(invalid)), {
      messageId: 'bad-1',
      type: 'fulfillment.pack.v1',
      correlationId: 'o-bad',
      requireRoute: true,
    });
    await eventually(async () => (await count(DLQ)) === 4, 10000, 20);

    const out = capture();
    expect(await showDlq(QUEUE, { ...opts(), limit: 2, out: out.stream })).toBe(0);
    const text = out.text();
    expect(text).toContain(`${DLQ}: 4 dead letter(s), showing 2 (none removed)`);
    expect(text).toContain(`1. ${ids[0]}  fulfillment.pack.v1  correlation o-0`);
    expect(text).toContain(`2. ${ids[1]}  fulfillment.pack.v1  correlation o-1`);
    expect(text).toMatch(/^ {3}dead-lettered \d{4}-\d\d-\d\dT[\d:.]+Z after attempt 2: warehouse system down for f-\d+$/m);
    expect(text).not.toContain(ids[2]);
    expect(await count(DLQ)).toBe(4);

    // All of them are still there (a classic queue keeps their order, a quorum queue puts the two read at its tail).
    const letters = await lettersIn();
    expect(letters.map((l) => l.messageId).sort()).toEqual([...ids, 'bad-1'].sort());
    const first = letters.find((l) => l.messageId === ids[0])!;
    expect(first).toMatchObject({
      type: 'fulfillment.pack.v1',
      correlationId: 'o-0',
      attempt: 2,
      reason: expect.stringMatching(/^warehouse system down for f-\d+$/),
    });
    expect(Date.parse(first.deadLetteredAt!)).toBeGreaterThan(Date.now() - 60000);
    const bad = letters.find((l) => l.messageId === 'bad-1')!;
    expect(bad).toMatchObject({ correlationId: 'o-bad', attempt: 1 });
    expect(bad.reason).toMatch(/^invalid fulfillment\.pack\.v1 data: fulfillmentId/);
    expect(await count(DLQ)).toBe(4);
  });

  it('when the broker dead-lettered a message itself (no x-oms headers), then show gives the reason and time from x-death', async () => {
    // What a work queue does with a message past its delivery limit; here an expiry on a queue of this test's own.
    const expiring = 'test.expiring';
    await rawChannel.assertQueue(expiring, { arguments: { 'x-message-ttl': 0, 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': DLQ } });
    rawChannel.sendToQueue(expiring, Buffer.from('{"id":"x-1"}'), { messageId: 'x-1', type: 'fulfillment.pack.v1', persistent: true });
    await eventually(async () => (await count(DLQ)) === 1, 10000, 20);
    const [letter] = await lettersIn();
    expect(letter).toMatchObject({ messageId: 'x-1', reason: `dead-lettered by the broker: expired in ${expiring}` });
    expect(Date.parse(letter.deadLetteredAt!)).toBeGreaterThan(Date.now() - 60000);
  });

  it('when replay is given one --id, then only that message goes back, the fixed handler gets it at attempt 1, and the others stay', async () => {
    const ids = await deadLetter(3);
    failing = false;
    const out = capture();
    expect(await replayDlq(QUEUE, { ...opts(), ids: [ids[1]], out: out.stream })).toBe(0);
    expect(out.text()).toContain(`replayed ${ids[1]} fulfillment.pack.v1`);
    expect(out.text()).toContain(`replayed 1, skipped 2; left 2 in ${DLQ}`);
    await eventually(() => handled.length === 1, 10000, 20);
    // Attempt 1 again, and handed over as possibly handled before (its work may be stored, unannounced).
    expect(handled).toEqual([{ id: ids[1], attempt: 1, repeated: true }]);
    expect((await lettersIn()).map((l) => l.messageId).sort()).toEqual([ids[0], ids[2]].sort());
  });

  it('when replay runs over the whole DLQ, then it is empty and every message is handled exactly once', async () => {
    const ids = await deadLetter(3);
    failing = false;
    const out = capture();
    expect(await replayDlq(QUEUE, { ...opts(), out: out.stream })).toBe(0);
    expect(out.text()).toContain(`replayed 3, skipped 0; left 0 in ${DLQ}`);
    await eventually(() => handled.length === 3, 10000, 20);
    // A duplicate has no event to wait for: watch for one a while (the consumer handles a message in milliseconds).
    await expectNothingWithin(300, () => handled.length > 3, 'a replayed message handled twice');
    expect(handled.map((h) => h.id).sort()).toEqual([...ids].sort());
    expect(handled.every((h) => h.attempt === 1)).toBe(true);
    expect(await count(DLQ)).toBe(0);
    expect(await count(QUEUE)).toBe(0);
  });

  it('when replay has --limit, then only that many from the head go back', async () => {
    const ids = await deadLetter(3);
    failing = false;
    expect(await replayDlq(QUEUE, { ...opts(), limit: 2 })).toBe(0);
    await eventually(() => handled.length === 2, 10000, 20);
    expect(handled.map((h) => h.id)).toEqual(expect.arrayContaining([ids[0], ids[1]]));
    expect((await lettersIn()).map((l) => l.messageId)).toEqual([ids[2]]);
  });

  it('when replay is a dry run, then it lists what it would replay and changes nothing', async () => {
    const ids = await deadLetter(3);
    failing = false;
    const before = await lettersIn();
    const out = capture();
    expect(await replayDlq(QUEUE, { ...opts(), dryRun: true, out: out.stream })).toBe(0);
    for (const id of ids) expect(out.text()).toContain(`would replay ${id} fulfillment.pack.v1`);
    expect(out.text()).toContain(`dry run: would replay 3, skip 0; nothing changed (3 in ${DLQ})`);
    // Nothing must reach the (now working) handler: an absence, watched for a while.
    await expectNothingWithin(300, () => handled.length > 0, 'a message handled after a dry run');
    expect(handled).toEqual([]);
    const after = await lettersIn();
    expect(after.map((l) => l.messageId).sort()).toEqual(before.map((l) => l.messageId).sort());
    expect(after.every((l) => l.attempt === 2 && !l.replays)).toBe(true);
  });

  it('when a replayed message fails again, then it is dead-lettered again after a fresh set of attempts, with the replay recorded', async () => {
    const [id] = await deadLetter(1);
    const out = capture();
    expect(await replayDlq(QUEUE, { ...opts(), out: out.stream })).toBe(0);
    expect(out.text()).toContain(`replayed 1, skipped 0;`);
    await eventually(async () => (await count(DLQ)) === 1, 10000, 20);
    const [letter] = await lettersIn();
    // A new set of attempts (2 with this consumer), then dead-lettered again with a fresh reason.
    expect(letter).toMatchObject({ messageId: id, attempt: 2, replays: 1, reason: expect.stringContaining('warehouse system down') });
  });

  it('when run through the real command line, then the exit code says what happened', async () => {
    const ids = await deadLetter(2);
    const env = { AMQP_URL: stack.amqpUrl };

    const unknown = await oms(['dlq', 'replay', 'fulfilment.commands'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('oms: unknown queue "fulfilment.commands": not in the topology');

    const notThere = await oms(['dlq', 'replay', DLQ, '--id', 'no-such-id', '--id', 'nor-this', '--amqp-url', stack.amqpUrl]);
    expect(notThere.code).toBe(2);
    expect(notThere.stderr).toContain(`oms: not in ${DLQ}: no-such-id, nor-this`);
    expect(notThere.stdout).toContain(`replayed 0, skipped 2; left 2 in ${DLQ}`);

    const show = await oms(['dlq', 'show', QUEUE, '--limit', '1'], env);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain(`1. ${ids[0]}`);

    const refused = await oms(['dlq', 'purge', QUEUE], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`oms: refusing to delete the 2 message(s) in ${DLQ} without --yes`);
    expect(await count(DLQ)).toBe(2);

    const purged = await oms(['dlq', 'purge', QUEUE, '--yes'], env);
    expect(purged.code).toBe(0);
    expect(purged.stdout).toContain(`purged 2 message(s) from ${DLQ}`);
    expect(await count(DLQ)).toBe(0);
  });

  it('when the vhost has no topology, then list and replay report the missing queues, exit 1, and create nothing', async () => {
    const empty = await TestStack.create();
    try {
      const list = await oms(['dlq', 'list', '--amqp-url', empty.amqpUrl]);
      expect(list.code).toBe(1);
      expect(list.stdout).toMatch(/^fulfillment\.commands\.dlq\s+missing/m);
      expect(list.stderr).toContain(`${QUEUES.length} DLQ(s) missing on vhost ${empty.vhost}`);
      const replay = await oms(['dlq', 'replay', QUEUE], { AMQP_URL: empty.amqpUrl });
      expect(replay.code).toBe(1);
      expect(replay.stderr).toContain(`oms: queue ${QUEUE} does not exist on vhost ${empty.vhost} (nothing was created)`);
      expect((await rabbitmqctl('list_queues', '-p', empty.vhost, '--no-table-headers', 'name')).trim()).toBe('');
    } finally {
      await empty.cleanup();
    }
  });
});
