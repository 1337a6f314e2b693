/**
 * deploy/rabbitmq/definitions/topology.json is what RabbitMQ loads at boot in docker compose. It must be what
 * the generator makes of the current sources, and the services' own declarations (which run at every connect)
 * must accept what it created: a queue declared with other arguments than the existing one fails with
 * PRECONDITION_FAILED and the service never becomes ready.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import amqp, { type Channel, type ChannelModel } from 'amqplib';
import { baseConfigSchema } from '@oms/config';
import { COMMANDS_EXCHANGE, EVENTS_EXCHANGE, PARTNER_EVENT_PATTERNS, PARTNERS_EXCHANGE, QUEUES } from '@oms/contracts';
import { deadLetterQueueArguments, declareTopology, delayQueueArguments, delayQueueName, QueueConsumer, workQueueArguments, type Broker } from '@oms/messaging';
import { rabbitmqctl, TestStack } from '@oms/testing';
import { newBroker } from './helpers';

interface Definitions {
  vhosts: Array<{ name: string }>;
  exchanges: Array<{
    name: string;
    vhost: string;
    type: string;
    durable: boolean;
    auto_delete: boolean;
    internal: boolean;
    arguments: Record<string, unknown>;
  }>;
  queues: Array<{ name: string; vhost: string; durable: boolean; auto_delete: boolean; arguments: Record<string, unknown> }>;
  bindings: Array<{ source: string; vhost: string; destination: string; destination_type: string; routing_key: string; arguments: Record<string, unknown> }>;
}

const deployDir = path.resolve(__dirname, '../../../deploy/rabbitmq');
// The generator is plain JavaScript so that it runs without a TypeScript toolchain; here it is fed the values
// imported from the sources (not the built dist/), so a change to QUEUES is seen even before a build.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const generator = require(path.join(deployDir, 'generate-definitions.js')) as {
  definitionsFrom: (input: object) => Definitions;
  render: (definitions: Definitions) => string;
  OUTPUT: string;
};
const defaultRetryDelaysMs = baseConfigSchema.shape.AMQP_RETRY_DELAYS_MS.parse(undefined);
const committedText = () => readFileSync(generator.OUTPUT, 'utf8');
const committed = (): Definitions => JSON.parse(committedText());

/** The definitions moved into `vhost`, the way a test vhost stands in for the compose broker's "/". */
function inVhost(defs: Definitions, vhost: string): object {
  const move = <T extends { vhost: string }>(items: T[]) => items.map((item) => ({ ...item, vhost }));
  return { vhosts: [{ name: vhost }], exchanges: move(defs.exchanges), queues: move(defs.queues), bindings: move(defs.bindings) };
}

/** RabbitMQ's own importer, the code that runs `load_definitions` at boot (fed on stdin: rabbitmqctl runs as the rabbitmq user). */
function importDefinitions(definitions: object): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = execFile('rabbitmqctl', ['-q', 'import_definitions', '--format', 'json'], { timeout: 30000 }, (err, _stdout, stderr) =>
      err ? reject(new Error(`import_definitions failed: ${stderr || err.message}`)) : resolve(),
    );
    child.stdin?.end(JSON.stringify(definitions));
  });
}

/** A channel whose closing by the broker is seen through the rejected call, not as an unhandled 'error' event. */
async function quietChannel(connection: ChannelModel): Promise<Channel> {
  const ch = await connection.createChannel();
  ch.on('error', () => undefined);
  return ch;
}

type Row = Record<string, unknown>;
async function list(command: string, vhost: string, ...fields: string[]): Promise<Row[]> {
  return JSON.parse(await rabbitmqctl(command, '-p', vhost, ...fields, '--formatter', 'json')) as Row[];
}

/** What the broker holds in the vhost, in the definitions' terms (server-named queues and amq.* left out). */
async function snapshot(vhost: string) {
  // rabbitmqctl lists arguments as [name, AMQP type, value].
  const args = (list: unknown) => Object.fromEntries((list as Array<[string, string, unknown]>).map(([name, , value]) => [name, value]));
  const queues = (await list('list_queues', vhost, 'name', 'durable', 'auto_delete', 'arguments'))
    .filter((q) => !String(q.name).startsWith('amq.'))
    .map((q) => ({ name: q.name, durable: q.durable, auto_delete: q.auto_delete, arguments: args(q.arguments) }));
  const exchanges = (await list('list_exchanges', vhost, 'name', 'type', 'durable', 'auto_delete', 'internal'))
    .filter((e) => e.name !== '' && !String(e.name).startsWith('amq.'))
    .map((e) => ({ name: e.name, type: e.type, durable: e.durable, auto_delete: e.auto_delete, internal: e.internal }));
  const bindings = (await list('list_bindings', vhost, 'source_name', 'destination_name', 'destination_kind', 'routing_key'))
    .filter((b) => b.source_name !== '') // the default exchange's implicit binding of every queue
    .map((b) => `${b.source_name} -> ${b.destination_kind} ${b.destination_name} [${b.routing_key}]`);
  const byName = (a: { name: unknown }, b: { name: unknown }) => String(a.name).localeCompare(String(b.name));
  return { queues: queues.sort(byName), exchanges: exchanges.sort(byName), bindings: bindings.sort() };
}

function expectedSnapshot(defs: Definitions) {
  const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
  return {
    queues: defs.queues.map(({ name, durable, auto_delete, arguments: a }) => ({ name, durable, auto_delete, arguments: a })).sort(byName),
    exchanges: defs.exchanges.map(({ name, type, durable, auto_delete, internal }) => ({ name, type, durable, auto_delete, internal })).sort(byName),
    bindings: defs.bindings.map((b) => `${b.source} -> ${b.destination_type} ${b.destination} [${b.routing_key}]`).sort(),
  };
}

/** Everything a service declares at start: the topology on connect, then one delay queue per retry delay per consumer. */
async function declareAsTheServicesDo(broker: Broker): Promise<QueueConsumer[]> {
  await broker.connect();
  const consumers = QUEUES.map((q) => new QueueConsumer(broker, q.name, {}, { prefetch: 1, maxAttempts: 5, retryDelaysMs: defaultRetryDelaysMs }));
  for (const consumer of consumers) await consumer.start();
  return consumers;
}

describe('RabbitMQ definitions for docker compose', () => {
  it('when the definitions are generated from the current sources, then the committed file is identical (run npm run definitions if not)', () => {
    const fromSources = generator.definitionsFrom({
      queues: QUEUES,
      eventsExchange: EVENTS_EXCHANGE,
      commandsExchange: COMMANDS_EXCHANGE,
      partnersExchange: PARTNERS_EXCHANGE,
      partnerEventPatterns: PARTNER_EVENT_PATTERNS,
      workQueueArguments,
      deadLetterQueueArguments,
      delayQueueName,
      delayQueueArguments,
      retryDelaysMs: defaultRetryDelaysMs,
    });
    expect(committedText()).toBe(generator.render(fromSources));
    // Not vacuous: every queue of the contracts, its DLQ and its retry queues are in it.
    expect(fromSources.queues).toHaveLength(QUEUES.length * (2 + new Set(defaultRetryDelaysMs).size));
  });

  describe('on the real broker', () => {
    let stack: TestStack;
    beforeAll(async () => void (stack = await TestStack.create()));
    afterAll(() => stack.cleanup());

    it("when the definitions are imported into a fresh vhost, then the services' declarations accept them and add nothing to them", async () => {
      await importDefinitions(inVhost(committed(), stack.vhost));
      const imported = await snapshot(stack.vhost);
      expect(imported).toEqual(expectedSnapshot(committed()));

      // The declaration itself on a plain channel first: a mismatch fails here at once with the broker's reason
      // (the Broker would keep reconnecting instead).
      const connection = await amqp.connect(stack.amqpUrl);
      try {
        await declareTopology(await quietChannel(connection));
      } finally {
        await connection.close();
      }
      const broker = newBroker(stack.amqpUrl, 'definitions-test');
      try {
        const consumers = await declareAsTheServicesDo(broker);
        expect(broker.isConnected()).toBe(true);
        for (const consumer of consumers) await consumer.stop();
      } finally {
        await broker.close();
      }
      expect(await snapshot(stack.vhost)).toEqual(imported);
    });
  });

  describe('proof that a mismatch is caught', () => {
    // A vhost per case: the importer leaves an existing queue as it is.
    const stacks: TestStack[] = [];
    const freshStack = async () => stacks[stacks.push(await TestStack.create()) - 1];
    afterAll(async () => void (await Promise.all(stacks.map((s) => s.cleanup()))));

    it('when a retry queue exists with another TTL than the consumers declare, then their declaration fails with PRECONDITION_FAILED', async () => {
      const defs = committed();
      const tampered = {
        ...defs,
        queues: defs.queues.map((q) => (q.name.includes('.delay.') ? { ...q, arguments: { ...q.arguments, 'x-message-ttl': 1 } } : q)),
      };
      const stack = await freshStack();
      await importDefinitions(inVhost(tampered, stack.vhost));
      const broker = newBroker(stack.amqpUrl, 'definitions-test');
      try {
        await expect(declareAsTheServicesDo(broker)).rejects.toThrow(/PRECONDITION_FAILED/);
      } finally {
        await broker.close();
      }
    });

    it('when a queue exists with another queue type than the services declare, then the topology declaration fails with PRECONDITION_FAILED', async () => {
      const defs = committed();
      const tampered = { ...defs, queues: defs.queues.map((q) => (q.name === QUEUES[0].name ? { ...q, arguments: { 'x-queue-type': 'classic' } } : q)) };
      const stack = await freshStack();
      await importDefinitions(inVhost(tampered, stack.vhost));
      const connection = await amqp.connect(stack.amqpUrl);
      try {
        await expect(declareTopology(await quietChannel(connection))).rejects.toThrow(/PRECONDITION_FAILED/);
      } finally {
        await connection.close().catch(() => undefined);
      }
    });
  });

  it('when compose imports dev-users.json, then its guest user has the password "guest" the services connect with', () => {
    const users = JSON.parse(readFileSync(path.join(deployDir, 'definitions', 'dev-users.json'), 'utf8')) as {
      users: Array<{ name: string; password_hash: string; hashing_algorithm: string }>;
    };
    const [guest] = users.users;
    expect(guest).toMatchObject({ name: 'guest', hashing_algorithm: 'rabbit_password_hashing_sha256' });
    // rabbit_password_hashing_sha256: base64(salt(4 bytes) ++ sha256(salt ++ password)).
    const raw = Buffer.from(guest.password_hash, 'base64');
    const salt = raw.subarray(0, 4);
    expect(
      createHash('sha256')
        .update(Buffer.concat([salt, Buffer.from('guest')]))
        .digest()
        .equals(raw.subarray(4)),
    ).toBe(true);
  });
});
