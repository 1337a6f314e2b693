#!/usr/bin/env node
// Writes deploy/rabbitmq/definitions/topology.json, the broker's exchanges, queues and bindings as a RabbitMQ
// definitions file, from the one list of subscriptions in @oms/contracts (QUEUES) and the queue arguments
// @oms/messaging declares them with. RabbitMQ loads it at boot (deploy/rabbitmq/rabbitmq.conf), so the
// topology exists before any service connects; the services still declare it themselves at every connect,
// and a queue declared with other arguments than the existing one fails with PRECONDITION_FAILED. So this
// file must be generated, never edited: `npm run definitions` after a change to QUEUES or to the arguments.
// packages/messaging/test/broker-definitions.test.ts fails when the committed file is stale, and proves on
// the real broker that the services' own declarations accept what the file created.
//
//   node deploy/rabbitmq/generate-definitions.js           write the file (needs `npm run build` first)
//   node deploy/rabbitmq/generate-definitions.js --check   exit 1 when the committed file differs
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const OUTPUT = path.join(__dirname, 'definitions', 'topology.json');
const VHOST = '/';

/**
 * The definitions document for a topology. Pure: the test passes the values it imported from the sources,
 * the CLI passes those of the built packages.
 */
function definitionsFrom({
  queues,
  eventsExchange,
  commandsExchange,
  partnersExchange,
  partnerEventPatterns,
  workQueueArguments,
  deadLetterQueueArguments,
  delayQueueName,
  delayQueueArguments,
  retryDelaysMs,
}) {
  const durableQueue = (name, args) => ({ name, vhost: VHOST, durable: true, auto_delete: false, arguments: sortKeys(args) });
  const out = { vhosts: [{ name: VHOST }], exchanges: [], queues: [], bindings: [], policies: [] };
  for (const name of [eventsExchange, commandsExchange]) {
    out.exchanges.push({ name, vhost: VHOST, type: 'topic', durable: true, auto_delete: false, internal: false, arguments: {} });
  }
  // The partners' headers exchange, fed by the events exchange (docs/partners.md); partner queues come with provisioning.
  out.exchanges.push({ name: partnersExchange, vhost: VHOST, type: 'headers', durable: true, auto_delete: false, internal: false, arguments: {} });
  for (const key of partnerEventPatterns)
    out.bindings.push({ source: eventsExchange, vhost: VHOST, destination: partnersExchange, destination_type: 'exchange', routing_key: key, arguments: {} });
  for (const q of queues) {
    out.queues.push(durableQueue(q.name, workQueueArguments(q.name)));
    out.queues.push(durableQueue(`${q.name}.dlq`, deadLetterQueueArguments));
    for (const ms of new Set(retryDelaysMs)) {
      // As QueueConsumer declares them: one retry queue per distinct delay.
      out.queues.push(durableQueue(delayQueueName(q.name, ms), delayQueueArguments(q.name, ms)));
    }
    const bind = (exchange, key) =>
      out.bindings.push({ source: exchange, vhost: VHOST, destination: q.name, destination_type: 'queue', routing_key: key, arguments: {} });
    for (const key of q.events ?? []) bind(eventsExchange, key);
    for (const key of q.commands ?? []) bind(commandsExchange, key);
  }
  return out;
}

/** Stable key order, so the file only changes when the topology does. */
function sortKeys(obj) {
  return Object.fromEntries(
    Object.keys(obj)
      .sort()
      .map((k) => [k, obj[k]]),
  );
}

function render(definitions) {
  return JSON.stringify(definitions, null, 2) + '\n';
}

/** The topology of the built packages (dist/): the retry delays are the services' defaults (AMQP_RETRY_DELAYS_MS). */
function currentDefinitions() {
  const contracts = require('@oms/contracts');
  const { workQueueArguments, deadLetterQueueArguments, delayQueueName, delayQueueArguments } = require('@oms/messaging');
  const { baseConfigSchema } = require('@oms/config');
  return definitionsFrom({
    queues: contracts.QUEUES,
    eventsExchange: contracts.EVENTS_EXCHANGE,
    commandsExchange: contracts.COMMANDS_EXCHANGE,
    partnersExchange: contracts.PARTNERS_EXCHANGE,
    partnerEventPatterns: contracts.PARTNER_EVENT_PATTERNS,
    workQueueArguments,
    deadLetterQueueArguments,
    delayQueueName,
    delayQueueArguments,
    retryDelaysMs: baseConfigSchema.shape.AMQP_RETRY_DELAYS_MS.parse(undefined),
  });
}

module.exports = { definitionsFrom, render, OUTPUT };

if (require.main === module) {
  const text = render(currentDefinitions());
  if (process.argv.includes('--check')) {
    const committed = fs.existsSync(OUTPUT) ? fs.readFileSync(OUTPUT, 'utf8') : '';
    if (committed !== text) {
      console.error(`${path.relative(process.cwd(), OUTPUT)} is stale: run npm run definitions`);
      process.exit(1);
    }
  } else {
    fs.mkdirSync(path.dirname(OUTPUT), { recursive: true });
    fs.writeFileSync(OUTPUT, text);
    console.log(`wrote ${path.relative(process.cwd(), OUTPUT)}`);
  }
}
