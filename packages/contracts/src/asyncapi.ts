import { z } from 'zod';
import { envelopeSchema } from './envelope';
import { commands, events, isCommand, messageSchemas, type MessageType } from './messages';
import { addressSchema, canonicalOrderSchema } from './order';
import { PRODUCERS } from './producers';
import { COMMANDS_EXCHANGE, EVENTS_EXCHANGE, QUEUE_DEFINITIONS } from './topology';

/**
 * The AsyncAPI 3.0 document of every message on the broker, built from the same zod schemas that check each
 * message on publish and on consume, and from the topology (QUEUES: who consumes; PRODUCERS: who sends).
 * Written to docs/asyncapi.json (`npm run asyncapi`) and served by the gateway at /asyncapi.json.
 */

const AMQP_BINDING_VERSION = '0.3.0';
/** Changes when a message is added or removed; a message's own version is in its name (`.v<N>`). */
const DOCUMENT_VERSION = '1.0.0';

export type AsyncApiDocument = Record<string, unknown> & { asyncapi: string; channels: Record<string, unknown>; operations: Record<string, unknown> };

const ref = (pointer: string) => ({ $ref: pointer });
const messageRef = (type: MessageType) => ref(`#/components/messages/${type}`);

/**
 * JSON Schema (draft-07, which AsyncAPI schemas extend) of every message's `data`, of the envelope, and of
 * the shapes several messages share, converted by zod's own z.toJSONSchema. One registry, so shared
 * schemas become `$ref`s to components/schemas. `io: 'input'` describes what a consumer accepts (fields
 * with a default may be left out). Refinements zod cannot express in JSON Schema (a currency code that
 * exists, a postal code that fits its country) are only checked by the contracts themselves.
 */
function componentSchemas(): Record<string, Record<string, unknown>> {
  const registry = z.registry<{ id: string }>();
  registry.add(envelopeSchema, { id: 'Envelope' });
  registry.add(canonicalOrderSchema, { id: 'CanonicalOrder' });
  registry.add(addressSchema, { id: 'Address' });
  for (const [type, schema] of Object.entries(messageSchemas)) registry.add(schema, { id: type });
  const { schemas } = z.toJSONSchema(registry, { target: 'draft-7', io: 'input', uri: (id) => `#/components/schemas/${id}` });
  // `$schema` and `$id` belong to standalone schema files, not to schemas inside a document.
  return Object.fromEntries(Object.entries(schemas).map(([id, { $schema: _s, $id: _i, ...schema }]) => [id, schema]));
}

function exchangeOf(type: MessageType) {
  return isCommand(type) ? COMMANDS_EXCHANGE : EVENTS_EXCHANGE;
}

/** The queues bound to a routing key (a command has exactly one; an event any number, or none). */
function consumingQueues(type: MessageType): string[] {
  return QUEUE_DEFINITIONS.filter((q) => (isCommand(type) ? q.commands : q.events)?.includes(type as never)).map((q) => q.name);
}

const serviceOfQueue = (queue: string) => queue.slice(0, queue.indexOf('.'));

function message(type: MessageType) {
  const kind = isCommand(type) ? 'Command' : 'Event';
  return {
    name: type,
    title: type,
    summary: `${kind} ${type}, sent by ${PRODUCERS[type].join(', ')}`,
    contentType: 'application/json',
    correlationId: ref('#/components/correlationIds/order'),
    payload: {
      allOf: [ref('#/components/schemas/Envelope'), { type: 'object', properties: { type: { const: type }, data: ref(`#/components/schemas/${type}`) } }],
    },
    // The AMQP `type` property carries the message type too; consumers can route on it before parsing.
    bindings: { amqp: { messageType: type, bindingVersion: AMQP_BINDING_VERSION } },
  };
}

function channel(type: MessageType) {
  const queues = consumingQueues(type);
  const exchange = exchangeOf(type);
  return {
    address: type,
    title: type,
    description:
      `Routing key \`${type}\` on the \`${exchange}\` topic exchange. ` +
      (queues.length ? `Bound to ${queues.map((q) => `\`${q}\``).join(', ')}.` : 'No queue of the system is bound to it (published for partners and tools).'),
    messages: { [type]: messageRef(type) },
    bindings: {
      amqp: {
        is: 'routingKey',
        exchange: { name: exchange, type: 'topic', durable: true, autoDelete: false, vhost: '/' },
        bindingVersion: AMQP_BINDING_VERSION,
      },
    },
  };
}

/** `send` by each producer, `receive` by each consuming queue. */
function operations(type: MessageType): Array<[string, Record<string, unknown>]> {
  const channelRef = ref(`#/channels/${type}`);
  const messages = [ref(`#/channels/${type}/messages/${type}`)];
  const sends = PRODUCERS[type].map((service): [string, Record<string, unknown>] => [
    `${service}.send.${type}`,
    {
      action: 'send',
      channel: channelRef,
      title: `${service} sends ${type}`,
      summary: 'Published with a confirm: persistent, mandatory, done only once the broker confirmed it.',
      messages,
      bindings: { amqp: { deliveryMode: 2, mandatory: true, timestamp: true, bindingVersion: AMQP_BINDING_VERSION } },
    },
  ]);
  const receives = consumingQueues(type).map((queue): [string, Record<string, unknown>] => [
    `${queue}.receive.${type}`,
    {
      action: 'receive',
      channel: channelRef,
      title: `${serviceOfQueue(queue)} receives ${type} from ${queue}`,
      description:
        `Consumed from the durable queue \`${queue}\` with manual acks after the work is stored. A failing message is retried ` +
        `through \`${queue}.delay.<ms>ms\` queues, then goes to \`${queue}.dlq\`; one that breaks its schema goes there at once.`,
      messages,
      bindings: { amqp: { ack: true, bindingVersion: AMQP_BINDING_VERSION } },
      'x-oms-queue': queue,
      'x-oms-dead-letter-queue': `${queue}.dlq`,
    },
  ]);
  return [...sends, ...receives];
}

/** The document as committed in docs/asyncapi.json and served at /asyncapi.json. */
export function asyncApiJson(): string {
  return `${JSON.stringify(buildAsyncApiDocument(), null, 2)}\n`;
}

export function buildAsyncApiDocument(): AsyncApiDocument {
  const types = [...Object.keys(events), ...Object.keys(commands)] as MessageType[];
  return {
    asyncapi: '3.0.0',
    id: 'urn:oms:messages',
    info: {
      title: 'OMS messages',
      version: DOCUMENT_VERSION,
      description:
        'Every event and command the OMS services exchange over RabbitMQ. Events go to the `oms.events` topic exchange, ' +
        'commands to `oms.commands`; the routing key is the message type (`<aggregate>.<past-tense>.v<N>` for events, ' +
        '`<aggregate>.<verb>.v<N>` for commands). Every message is a JSON envelope (id, type, occurredAt, producer, ' +
        'correlationId, causationId) around its `data`, checked against these schemas on publish and on consume.',
      license: { name: 'Apache-2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' },
    },
    defaultContentType: 'application/json',
    servers: {
      rabbitmq: {
        host: '{host}',
        protocol: 'amqp',
        protocolVersion: '0-9-1',
        pathname: '/',
        description: 'The RabbitMQ broker of AMQP_URL (vhost `/` unless AMQP_URL names another).',
        variables: { host: { default: 'rabbitmq:5672', description: 'Host and port of the broker in AMQP_URL' } },
        security: [ref('#/components/securitySchemes/amqpUser')],
      },
    },
    channels: Object.fromEntries(types.map((type) => [type, channel(type)])),
    operations: Object.fromEntries(types.flatMap(operations)),
    components: {
      schemas: componentSchemas(),
      messages: Object.fromEntries(types.map((type) => [type, message(type)])),
      correlationIds: {
        order: { description: 'The order id where there is one: every message about one order carries it.', location: '$message.payload#/correlationId' },
      },
      securitySchemes: { amqpUser: { type: 'userPassword', description: 'The user and password of AMQP_URL' } },
    },
  };
}
