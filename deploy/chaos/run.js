#!/usr/bin/env node
// npm run chaos: start a private stack (PostgreSQL, FerretDB, RabbitMQ, Redis) and the OMS cluster on it,
// drive a steady mixed load through the gateway while faults are injected (docs/chaos.md), let the system
// settle, then read everything back through the API and the broker and report what was lost, doubled or
// left broken. Exit 0 when nothing was; 1 when something was; 2 when the run itself could not be done.
//
//   node deploy/chaos/run.js [--quick] [--rate N] [--minutes M] [--seed S] [--port-base P] [--no-build]
//                            [--settle-seconds S] [--drain-seconds D] [--no-faults]
'use strict';
const { spawn } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { log, run, sleep, waitFor, requireFree } = require('./util');
const { PrivateStack } = require('./servers');
const { Api, Journal } = require('./api');
const { Load } = require('./load');
const { Faults, schedule, printPlan } = require('./faults');
const { check, printReport } = require('./check');
const { stopLeftovers } = require('./leftovers');

const root = path.resolve(__dirname, '../..');
const dir = path.join(root, '.run/chaos');

function parseArgs(argv) {
  const quick = argv.includes('--quick');
  const options = {
    quick,
    rate: quick ? 5 : 30,
    minutes: quick ? 1 : 5,
    seed: 16,
    portBase: 16000,
    build: true,
    faults: true,
    settleSeconds: quick ? 90 : 300,
    drainSeconds: quick ? 300 : 1800,
    // A quick run keeps every fault but shortens the pause and the outages.
    pauseSeconds: quick ? 10 : 30,
    outageSeconds: quick ? 3 : 10,
    fillHoldSeconds: quick ? 5 : 15,
    redisMaxmemory: '128mb',
    skus: quick ? 20 : 60,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) usage(`${arg} needs a value`);
      return v;
    };
    const number = () => {
      const n = Number(value());
      if (!Number.isFinite(n) || n <= 0) usage(`${arg} needs a positive number`);
      return n;
    };
    if (arg === '--quick') continue;
    else if (arg === '--rate') options.rate = number();
    else if (arg === '--minutes') options.minutes = number();
    else if (arg === '--seed') options.seed = number();
    else if (arg === '--port-base') options.portBase = number();
    else if (arg === '--settle-seconds') options.settleSeconds = number();
    else if (arg === '--drain-seconds') options.drainSeconds = number();
    else if (arg === '--no-build') options.build = false;
    else if (arg === '--no-faults') options.faults = false;
    else if (arg === '-h' || arg === '--help') usage();
    else usage(`unknown option ${arg}`);
  }
  return options;
}

function usage(problem) {
  if (problem) console.error(`chaos: ${problem}`);
  console.error(
    fs
      .readFileSync(__filename, 'utf8')
      .split('\n')
      .slice(1, 8)
      .join('\n')
      .replace(/^\/\/ ?/gm, ''),
  );
  process.exit(2);
}

/** Everything the run started, stopped in reverse on the way out: also on failure and Ctrl-C. */
const cleanups = [];
let cleaning;
function cleanup() {
  cleaning ??= (async () => {
    while (cleanups.length) {
      const [what, fn] = cleanups.pop();
      try {
        await fn();
      } catch (err) {
        console.error(`chaos: stopping ${what} failed: ${err.message}`);
      }
    }
  })();
  return cleaning;
}

function onSignal(signal) {
  console.error(`\nchaos: ${signal}: stopping everything this run started...`);
  cleanup().finally(() => process.exit(130));
}
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
process.on('SIGHUP', onSignal);

/** The payment provider's and carrier's sandboxes in this process: the checker reads what they received. */
async function startSandboxes(paymentPort, carrierPort) {
  const { createPaymentSandbox, createCarrierSandbox, serve } = require(path.join(root, 'packages/sandboxes/dist/index.js'));
  const payment = createPaymentSandbox();
  const carrier = createCarrierSandbox();
  const servers = [await serve(payment.app, paymentPort), await serve(carrier.app, carrierPort)];
  return { payment: payment.control, carrier: carrier.control, close: () => Promise.all(servers.map((s) => s.close())) };
}

/** deploy/cluster.js on the private servers, on ports of its own, logging to .run/chaos/logs. */
async function startCluster({ stack, gatewayPort, apiKey, internalToken }) {
  const out = fs.openSync(path.join(dir, 'logs', 'cluster.log'), 'a');
  const child = spawn(process.execPath, [path.join(root, 'deploy/cluster.js')], {
    cwd: root,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      PORT: String(gatewayPort),
      OMS_INTERNAL_PORT_BASE: String(gatewayPort + 1),
      AMQP_URL: stack.urls.amqp,
      REDIS_URL: stack.urls.redis,
      OMS_MONGO_URL: stack.urls.mongo,
      OMS_BOOTSTRAP_API_KEY: apiKey,
      // The services' shared token for /internal/*: the checker needs it for inventory's audit.
      INTERNAL_API_TOKEN: internalToken,
      OMS_SANDBOXES: 'external',
      // Bookings with the sandbox carrier only: the checker counts what the carrier sandbox booked.
      OMS_CARRIERS_FILE: '',
      OMS_LOG_DIR: path.join(dir, 'logs'),
      // Every service at the same priority: the idle CPU group cluster.js uses by default runs the processing
      // services only when nothing else wants a core, and on a busy machine that starved them for minutes.
      // This run measures what survives faults, not intake latency.
      OMS_PROCESSING_NICE: process.env.OMS_PROCESSING_NICE ?? '0',
    },
  });
  // Its own lines go to cluster.log; a service that died and is restarted is worth a line here too.
  for (const stream of [child.stdout, child.stderr])
    stream.on('data', (chunk) => {
      fs.writeSync(out, chunk);
      for (const line of chunk.toString().split('\n')) if (/exited|did not become ready/.test(line)) log(line.trim());
    });
  child.on('exit', () => fs.closeSync(out));
  fs.writeFileSync(path.join(dir, 'cluster.pid'), String(child.pid));
  return child;
}

async function stopCluster(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  // cluster.js gives its services 30 s to drain before it kills them.
  const timer = setTimeout(() => child.kill('SIGKILL'), 40000);
  await exited;
  clearTimeout(timer);
}

async function waitReady(ports, timeoutMs) {
  await waitFor(
    'every service ready (/readyz)',
    async () => {
      for (const port of ports) {
        const res = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(2000) });
        if (!res.ok) return false;
      }
      return true;
    },
    timeoutMs,
    500,
  );
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const loadSeconds = Math.round(options.minutes * 60);
  const started = Date.now();
  log(
    `chaos: ${options.quick ? 'quick profile: ' : ''}${options.rate} orders/s for ${loadSeconds} s, seed ${options.seed}, ports ${options.portBase}+, ` +
      `${options.faults ? 'faults on' : 'no faults'}; working directory .run/chaos/`,
  );
  if (options.build) {
    log('chaos: building (tsc -b)');
    await run('npx', ['tsc', '-b', 'tsconfig.build.json'], { cwd: root, timeoutMs: 600000 });
  }

  // A fresh directory each run; the report of the last run is kept beside it.
  fs.mkdirSync(dir, { recursive: true });
  await stopLeftovers(dir);
  for (const entry of ['postgres', 'rabbitmq', 'redis', 'ferretdb-state', 'logs']) fs.rmSync(path.join(dir, entry), { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, 'logs'), { recursive: true });

  const gatewayPort = options.portBase + 80;
  const ports = {
    gateway: gatewayPort,
    ingestion: gatewayPort + 1,
    inventory: gatewayPort + 2,
    'payment-check': gatewayPort + 3,
    fulfillment: gatewayPort + 4,
    carrier: gatewayPort + 5,
    returns: gatewayPort + 6,
    tasks: gatewayPort + 7,
    reports: gatewayPort + 9,
  };
  for (const [name, port] of Object.entries(ports)) await requireFree(port, name);
  await requireFree(gatewayPort + 11, 'the payment sandbox');
  await requireFree(gatewayPort + 12, 'the carrier sandbox');

  const stack = new PrivateStack({ dir, portBase: options.portBase, redisMaxmemory: options.redisMaxmemory });
  cleanups.push(['the private servers', () => stack.stop()]);
  log('chaos: starting PostgreSQL, FerretDB, RabbitMQ and Redis (private, under .run/chaos/)');
  await stack.start();
  log(
    `chaos: servers up: ${stack.urls.amqp.replace(/\/\/[^@]*@/, '//')}, ${stack.urls.redis} (maxmemory ${options.redisMaxmemory}, noeviction), ${stack.urls.mongo}`,
  );

  const sandboxes = await startSandboxes(gatewayPort + 11, gatewayPort + 12);
  cleanups.push(['the sandboxes', () => sandboxes.close()]);
  const apiKey = `oms_chaos_${randomBytes(16).toString('hex')}`;
  const internalToken = randomBytes(32).toString('hex');
  const cluster = await startCluster({ stack, gatewayPort, apiKey, internalToken });
  cleanups.push(['the cluster', () => stopCluster(cluster)]);
  log('chaos: starting the cluster (deploy/cluster.js)');
  await waitReady(Object.values(ports), 180000);
  log(`chaos: cluster ready, gateway http://127.0.0.1:${gatewayPort}`);

  const journal = new Journal(path.join(dir, 'journal.jsonl'));
  cleanups.push(['the journal', () => journal.close()]);
  const api = new Api({ url: `http://127.0.0.1:${gatewayPort}`, key: apiKey, journal });
  // Drivers wait for their orders until the end of the settle time, which starts when the load and the
  // faults are over (a slow fault, such as a broker restart, must not eat into it).
  let settleDeadline = Infinity;
  const settleUntil = () => settleDeadline;
  const load = new Load({
    api,
    rate: options.rate,
    seconds: loadSeconds,
    seed: options.seed,
    skus: options.skus,
    log,
    driveUntil: settleUntil,
  });
  await load.seed();
  log(`chaos: seeded channels, location, carrier secret and stock of ${options.skus + 1} SKUs through the API`);

  const loadStart = Date.now();
  const plan = options.faults
    ? schedule({ seconds: loadSeconds, pauseSeconds: options.pauseSeconds, outageSeconds: options.outageSeconds, fillHoldSeconds: options.fillHoldSeconds })
    : [];
  const faults = new Faults({ stack, cluster, plan });
  cleanups.push(['a paused service', () => faults.cancel()]);
  if (plan.length) printPlan(plan, loadStart);
  log(`load: ${options.rate} orders/s for ${loadSeconds} s`);
  await Promise.all([load.run(), faults.run(loadStart)]);
  settleDeadline = Date.now() + options.settleSeconds * 1000;
  log(`load: done (${load.orders.length} orders placed); settling: drivers finish, queues drain (at most ${options.settleSeconds} s)`);

  await settle({ load, stack, ports, until: settleUntil(), drainUntil: settleUntil() + options.drainSeconds * 1000 });
  const report = await check({ api, stack, load, sandboxes, ports, internalToken, until: Date.now() + 60000 });
  report.run = {
    options,
    startedAt: new Date(started).toISOString(),
    loadStartedAt: new Date(loadStart).toISOString(),
    loadSeconds,
    finishedAt: new Date().toISOString(),
    requests: journal.requests,
    faults: faults.done,
  };
  printReport(report);
  // Every order the load placed: channel, external id, the id it was given, its part and each step's answer.
  const orders = load.orders.map(({ n, part, channel, externalId, id, reference, body, steps, seen, stalled }) => ({
    n,
    part,
    channel,
    externalId,
    id,
    reference,
    lines: body.lines,
    steps,
    seen,
    stalled,
  }));
  fs.writeFileSync(path.join(dir, 'orders.json'), JSON.stringify(orders, null, 1));
  const file = path.join(dir, `report-${new Date(started).toISOString().replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, JSON.stringify(report, null, 2));
  fs.copyFileSync(file, path.join(dir, 'report.json'));
  log(`chaos: report written to ${path.relative(root, file)} (and .run/chaos/report.json); journal .run/chaos/journal.jsonl`);
  return report.ok ? 0 : 1;
}

/**
 * Events a service stored in an aggregate's outbox but has not published yet (the broker refused them, for
 * instance while it restarted): work that waits outside the broker, where queue depths do not show it. Each
 * service's `oms_outbox_pending_aggregates` (its last outbox sweep, every 2 s) says how many aggregates hold
 * such events; a service that does not answer counts as one, so the wait goes on.
 */
async function outboxBacklog(ports) {
  const counts = await Promise.all(
    Object.entries(ports).map(async ([name, port]) => {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(5000) });
        const line = (await res.text()).split('\n').find((l) => l.startsWith('oms_outbox_pending_aggregates'));
        return [name, line ? Number(line.split(' ').pop()) : 0];
      } catch {
        return [name, 1];
      }
    }),
  );
  return counts.filter(([, n]) => n > 0).map(([name, messages]) => ({ name: `${name} outbox (aggregates)`, messages }));
}

/**
 * Wait until every driver is done, every queue (not the DLQs) has been empty and no service's outbox has held
 * events for 5 s. After `until` (the
 * settle time) the wait goes on while the backlog keeps shrinking, up to `drainUntil`: a system that is
 * still working through a backlog the load left (it was offered more than it can sustain) has lost nothing,
 * and the check should see where its orders end. A backlog that has not shrunk below its smallest size for
 * three minutes ends the wait (handling a message queues others, so the size goes up and down meanwhile).
 */
async function settle({ load, stack, ports, until, drainUntil }) {
  const driversDone = load.finished().then(() => log('settle: every order driver has finished'));
  await Promise.race([driversDone, sleep(Math.max(0, until - Date.now()))]);
  let emptySince;
  let lastPrinted = 0;
  let smallest = Infinity;
  let shrankAt = Date.now();
  let draining = false;
  while (Date.now() < drainUntil) {
    let backlog;
    try {
      const queues = await stack.rabbitmq.queues();
      backlog = queues.filter((q) => !q.name.endsWith('.dlq') && q.messages > 0);
    } catch {
      backlog = [{ name: '(broker not answering)', messages: 0 }];
    }
    backlog.push(...(await outboxBacklog(ports)));
    const total = backlog.reduce((sum, q) => sum + q.messages, 0);
    if (total < smallest) {
      smallest = total;
      shrankAt = Date.now();
    }
    if (backlog.length === 0) {
      emptySince ??= Date.now();
      if (Date.now() - emptySince >= 5000) return log('settle: every queue and every outbox has been empty for 5 s');
    } else {
      emptySince = undefined;
      if (Date.now() - lastPrinted > 15000) {
        lastPrinted = Date.now();
        log(`settle: still queued: ${backlog.map((q) => `${q.name} ${q.messages}`).join(', ')}`);
      }
    }
    if (Date.now() >= until) {
      if (Date.now() - shrankAt > 180000) return log('settle: the backlog has not shrunk for three minutes; checking what there is');
      if (!draining) log(`settle: the settle time is up with ${total} messages queued; waiting while they drain`);
      draining = true;
    }
    await sleep(1000);
  }
  log('settle: the drain time is up; checking what there is');
}

main()
  .then(async (code) => {
    await cleanup();
    log(`chaos: everything this run started is stopped; exit ${code}`);
    process.exit(code);
  })
  .catch(async (err) => {
    console.error(`chaos: the run failed: ${err.stack || err.message}`);
    await cleanup();
    process.exit(2);
  });
