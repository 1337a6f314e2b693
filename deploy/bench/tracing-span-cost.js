#!/usr/bin/env node
// npm run bench:tracing (first part): CPU time tracing adds to one intake request, measured in-process (no
// network, no broker), so that a loaded machine changes the figure little: per request the gateway makes one
// SERVER span and one PRODUCER span with its trace headers; ingestion then makes one CONSUMER span per
// delivery. Compared with the same work done with tracing off (the kit's path then is a property read and a
// branch) and with sampling off. Spans are exported (protobuf, batched) to a sink in a child process. Then
// what the context manager adds to every `await` of the process once tracing is on.
'use strict';
const path = require('node:path');
const { spawn } = require('node:child_process');

const root = path.resolve(__dirname, '../..');
const { startTracing, tracingOff, startHttpServerSpan, tracePublish, traceConsume } = require(path.join(root, 'packages/tracing/dist'));

const ITERATIONS = Number(process.env.BENCH_ITERATIONS || 50000);
const ROUNDS = Number(process.env.BENCH_ROUNDS || 3);

function startSink() {
  const child = spawn(
    process.execPath,
    [
      '-e',
      `
    require('node:http').createServer((req, res) => { req.resume(); req.on('end', () => res.writeHead(200).end()); })
      .listen(0, '127.0.0.1', function () { console.log(this.address().port); });`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new Promise((resolve) => child.stdout.once('data', (d) => resolve({ url: `http://127.0.0.1:${String(d).trim()}`, stop: () => child.kill() })));
}

const request = {
  method: 'POST',
  url: '/v1/orders',
  httpVersion: '1.1',
  headers: { 'content-type': 'application/json', 'user-agent': 'bench', traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
  socket: { remoteAddress: '127.0.0.1' },
};
const publishDetails = {
  exchange: 'oms.events',
  routingKey: 'order.received.v1',
  messageId: 'm-1',
  type: 'order.received.v1',
  correlationId: 'o-1',
  bodySize: 900,
};
const send = async () => undefined;

/** One intake request's tracing work (gateway) plus its delivery's (ingestion), as the kit does it. */
async function oneRequest(tracing) {
  if (!tracing.enabled) return send(); // the kit's whole path with tracing off
  const span = startHttpServerSpan(tracing, request);
  let headers;
  await span.run(() => tracePublish(tracing, publishDetails, undefined, async (h) => void (headers = h)));
  span.end('/v1/orders', 202);
  await traceConsume(
    tracing,
    {
      queue: 'ingestion.order-intake',
      exchange: 'oms.events',
      routingKey: 'order.received.v1',
      messageId: 'm-1',
      type: 'order.received.v1',
      correlationId: 'o-1',
      deliveryTag: 1,
      bodySize: 900,
      attempt: 1,
      headers,
    },
    async (s) => s.outcome('ok'),
  );
}

async function measure(tracing) {
  const start = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < ITERATIONS; i++) {
    await oneRequest(tracing);
    // Let the exporter's timers and sockets run, as a server's event loop would between requests.
    if (i % 500 === 499) await new Promise((resolve) => setImmediate(resolve));
  }
  await tracing.flush();
  const cpu = process.cpuUsage(start);
  return { cpuMicrosPerRequest: (cpu.user + cpu.system) / ITERATIONS, wallMicrosPerRequest: Number(process.hrtime.bigint() - t0) / 1000 / ITERATIONS };
}

/**
 * The other cost of tracing on: the AsyncLocalStorage context manager that carries the active span across
 * `await` makes every promise of the process dearer (on Node 20, through async hooks), traced or not.
 */
async function awaitCost() {
  const work = async () => {
    for (let i = 0; i < 100; i++) await Promise.resolve(i);
  };
  for (let i = 0; i < 2000; i++) await work();
  const start = process.cpuUsage();
  for (let i = 0; i < 20000; i++) await work();
  const cpu = process.cpuUsage(start);
  return Number(((cpu.user + cpu.system) / 20000).toFixed(2));
}

async function main() {
  const sink = await startSink();
  const cpuMicrosPer100AwaitsBefore = await awaitCost(); // no context manager yet
  // Large batches and queue: the default 2,048-span queue drops spans in a tight loop like this one.
  process.env.OTEL_BSP_MAX_QUEUE_SIZE = '100000';
  process.env.OTEL_BSP_MAX_EXPORT_BATCH_SIZE = '2048';
  const configs = {
    off: tracingOff('gateway'),
    sampled: startTracing('gateway', { OTEL_EXPORTER_OTLP_ENDPOINT: sink.url }),
    dropped: startTracing('gateway', { OTEL_EXPORTER_OTLP_ENDPOINT: sink.url, OTEL_TRACES_SAMPLER: 'always_off' }),
  };
  const results = Object.fromEntries(Object.keys(configs).map((k) => [k, []]));
  for (const tracing of Object.values(configs)) await measure(tracing); // warm-up
  // Node installs the async hooks on the first context.with(), that is the first traced request.
  const cpuMicrosPer100AwaitsAfter = await awaitCost();
  for (let r = 0; r < ROUNDS; r++) for (const [name, tracing] of Object.entries(configs)) results[name].push(await measure(tracing));
  const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const summary = Object.fromEntries(
    Object.entries(results).map(([name, rs]) => [
      name,
      {
        cpuMicrosPerRequest: Number(median(rs.map((x) => x.cpuMicrosPerRequest)).toFixed(2)),
        wallMicrosPerRequest: Number(median(rs.map((x) => x.wallMicrosPerRequest)).toFixed(2)),
      },
    ]),
  );
  console.log(
    JSON.stringify(
      {
        iterations: ITERATIONS,
        rounds: ROUNDS,
        ...summary,
        contextManager: { cpuMicrosPer100AwaitsWithout: cpuMicrosPer100AwaitsBefore, cpuMicrosPer100AwaitsWith: cpuMicrosPer100AwaitsAfter },
      },
      null,
      2,
    ),
  );
  for (const t of Object.values(configs)) await t.shutdown();
  sink.stop();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
