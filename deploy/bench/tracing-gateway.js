#!/usr/bin/env node
// npm run bench:tracing (second part): what tracing costs the gateway's intake (POST /v1/orders), without the whole cluster.
//
// One gateway process at a time, on its own test vhost, database and Redis prefix of the shared stack, is
// loaded with unique orders (autocannon, in this process) in three configurations, in rounds so that the
// machine's drift hits them alike:
//   off      no OTLP endpoint: no SDK at all (the default)
//   sampled  endpoint set, every request traced and exported (protobuf) to a sink in this process
//   dropped  endpoint set, sampler always_off: spans and headers are made, nothing recorded or exported
// beside the raw limit measured in the same run (a bare node:http server answering 202). Throughput on a
// shared machine swings with the neighbours' load; the gateway's CPU time per accepted order much less.
// Ingestion does not run: accepted orders wait in the test vhost's queue, deleted at the end.
//
// Needs `npm run build` and the stack (`bash deploy/stack.sh`). Settings: BENCH_CONNECTIONS (50),
// BENCH_SECONDS (8 per configuration and round), BENCH_ROUNDS (2).
'use strict';
const http = require('node:http');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { postOrders } = require('./order-load');
const { rawHttpRate } = require('./raw-limits');

const root = path.resolve(__dirname, '../..');
const { TestStack } = require(path.join(root, 'packages/testing/dist'));

const connections = Number(process.env.BENCH_CONNECTIONS || 50);
const seconds = Number(process.env.BENCH_SECONDS || 8);
const rounds = Number(process.env.BENCH_ROUNDS || 2);
const KEY = 'bench-bootstrap-key-0123456789';
const NOWHERE = 'http://127.0.0.1:9';

/** Stands in for a collector: reads and counts what it is sent, answers 200. */
function startSink() {
  const sink = { requests: 0, bytes: 0 };
  const server = http.createServer((req, res) => {
    req.on('data', (c) => (sink.bytes += c.length));
    req.on('end', () => {
      sink.requests++;
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ sink, server, url: `http://127.0.0.1:${server.address().port}` })));
}

/** A gateway in a child process (as in production: its own event loop and its own OpenTelemetry globals). */
async function startGateway(env) {
  const code = `
    const { startService } = require(${JSON.stringify(path.join(root, 'packages/runtime/dist'))});
    const { definition } = require(${JSON.stringify(path.join(root, 'services/gateway/dist/service'))});
    // SIGUSR2: report the CPU time used so far (the driver reads it before and after the load).
    process.on('SIGUSR2', () => { const u = process.cpuUsage(); console.log('cpu ' + (u.user + u.system)); });
    startService(definition, process.env).then((s) => {
      console.log(s.port);
      process.once('SIGTERM', () => s.stop().then(() => process.exit(0)));
    }, (err) => { console.error(err); process.exit(1); });`;
  const child = spawn(process.execPath, ['-e', code], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((resolve, reject) => {
    child.stdout.once('data', (d) => resolve(Number(String(d).trim())));
    child.once('exit', (c) => reject(new Error(`gateway exited (${c})`)));
  });
  const lines = [];
  child.stdout.on('data', (d) => lines.push(...String(d).split('\n').filter(Boolean)));
  return {
    url: `http://127.0.0.1:${port}`,
    /** CPU microseconds the gateway process has used so far. */
    cpuMicros: async () => {
      const before = lines.length;
      child.kill('SIGUSR2');
      while (!lines.slice(before).some((l) => l.startsWith('cpu '))) await new Promise((r) => setTimeout(r, 10));
      return Number(
        lines
          .slice(before)
          .find((l) => l.startsWith('cpu '))
          .slice(4),
      );
    },
    stop: () => new Promise((resolve) => (child.once('exit', resolve), child.kill('SIGTERM'))),
  };
}

async function load(url, channel) {
  const result = await postOrders({ url, key: KEY, channel, connections, seconds, prefix: 'T' });
  return {
    accepted: result['2xx'],
    perSecond: result['2xx'] / (result.duration || seconds),
    p50: result.latency.p50,
    p99: result.latency.p99,
    failed: result.non2xx + result.errors,
  };
}

async function main() {
  const stack = await TestStack.create();
  const { sink, server, url: sinkUrl } = await startSink();
  const configs = {
    off: {},
    sampled: { OTEL_EXPORTER_OTLP_ENDPOINT: sinkUrl },
    dropped: { OTEL_EXPORTER_OTLP_ENDPOINT: sinkUrl, OTEL_TRACES_SAMPLER: 'always_off' },
  };
  const results = Object.fromEntries(Object.keys(configs).map((name) => [name, []]));
  try {
    console.log(`bench: raw HTTP (bare node:http answering 202, ${connections} connections) for 5 s...`);
    const rawHttp = await rawHttpRate(connections);
    const channel = 'bench';
    for (let round = 1; round <= rounds; round++) {
      for (const [name, extra] of Object.entries(configs)) {
        const env = { ...process.env, ...stack.env('gateway', { OMS_BOOTSTRAP_API_KEY: KEY, RATE_LIMIT_PER_SECOND: '1000000', ...extra }) };
        for (const s of ['INGESTION', 'INVENTORY', 'FULFILLMENT', 'CARRIER', 'RETURNS', 'PAYMENT_CHECK']) env[`${s}_URL`] = NOWHERE;
        for (const k of Object.keys(env)) if (k.startsWith('OTEL_') && !(k in extra)) delete env[k];
        const gateway = await startGateway(env);
        try {
          const put = await fetch(`${gateway.url}/v1/channels/${channel}`, {
            method: 'PUT',
            headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
            body: JSON.stringify({ name: 'Tracing benchmark', type: 'web', defaultCurrency: 'EUR' }),
          });
          if (!put.ok) throw new Error(`PUT channel: ${put.status}`);
          const cpuBefore = await gateway.cpuMicros();
          const r = await load(gateway.url, channel);
          r.cpuMicrosPerOrder = ((await gateway.cpuMicros()) - cpuBefore) / r.accepted;
          results[name].push(r);
          console.log(
            `bench: round ${round} ${name.padEnd(7)} ${Math.round(r.perSecond)} orders/s, gateway CPU ${Math.round(r.cpuMicrosPerOrder)} µs per order, p50 ${r.p50} ms, p99 ${r.p99} ms${r.failed ? `, ${r.failed} failed` : ''}`,
          );
        } finally {
          await gateway.stop();
        }
      }
    }
    const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const off = mean(results.off.map((r) => r.perSecond));
    const summary = Object.fromEntries(
      Object.entries(results).map(([name, rs]) => [
        name,
        {
          ordersPerSecond: Math.round(mean(rs.map((r) => r.perSecond))),
          ratioToOff: Number((mean(rs.map((r) => r.perSecond)) / off).toFixed(3)),
          gatewayCpuMicrosPerOrder: Math.round(mean(rs.map((r) => r.cpuMicrosPerOrder))),
          p99Ms: rs.map((r) => r.p99),
        },
      ]),
    );
    console.log(
      JSON.stringify(
        {
          connections,
          secondsEach: seconds,
          rounds,
          rawHttpRequestsPerSecond: Math.round(rawHttp),
          ...summary,
          spansExported: { requests: sink.requests, bytes: sink.bytes },
        },
        null,
        2,
      ),
    );
  } finally {
    server.close();
    await stack.cleanup();
  }
}

main().catch((err) => {
  console.error(`bench: ${err.stack || err.message}`);
  process.exit(1);
});
