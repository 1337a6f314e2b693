#!/usr/bin/env node
// Runs the whole OMS on this machine: the payment and carrier sandboxes and the nine services, each in its
// own process from its built dist/, against the stack deploy/stack.sh brought up. Used by `npm start`.
// Logs go to .run/logs/<service>.log; a service that dies is restarted; Ctrl-C (or SIGTERM, or the
// terminal's hang-up) stops everything cleanly.
'use strict';
const { spawn } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const runDir = path.join(root, '.run');
// OMS_LOG_DIR: where a cluster started by a tool (deploy/chaos) keeps its logs apart from `npm start`'s.
const logDir = process.env.OMS_LOG_DIR ? path.resolve(process.env.OMS_LOG_DIR) : path.join(runDir, 'logs');
fs.mkdirSync(logDir, { recursive: true });

const env = process.env;
const host = '127.0.0.1';
const gatewayPort = Number(env.PORT || 8080);
const base = Number(env.OMS_INTERNAL_PORT_BASE || gatewayPort + 1);
const mongoBase = (env.OMS_MONGO_URL || 'mongodb://127.0.0.1:27017').replace(/\/+$/, '');
const apiKey = env.OMS_BOOTSTRAP_API_KEY || persistedKey('api-key', () => `oms_${randomBytes(24).toString('hex')}`);
// The shared service token of the /internal/* routes (docs/security.md), kept in .run/ like the API key.
const internalToken = env.INTERNAL_API_TOKEN || persistedKey('internal-api-token', () => randomBytes(32).toString('hex'));

/** Keep a generated key across restarts so scripts and the README's walk-through keep working. */
function persistedKey(name, generate) {
  const file = path.join(runDir, name);
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  const key = generate();
  fs.writeFileSync(file, key + '\n', { mode: 0o600 });
  return key;
}

const ports = {
  ingestion: base,
  inventory: base + 1,
  'payment-check': base + 2,
  fulfillment: base + 3,
  carrier: base + 4,
  returns: base + 5,
  tasks: base + 6,
  // base + 7 is FerretDB's debug and metrics address (127.0.0.1:8088 for the default ports: deploy/stack.sh).
  reports: base + 8,
  paymentSandbox: base + 10,
  carrierSandbox: base + 11,
};
const url = (port) => `http://${host}:${port}`;
const carriersFile = env.OMS_CARRIERS_FILE ?? path.join(__dirname, 'carriers', 'dev-carriers.json');

const common = {
  HOST: host,
  AMQP_URL: env.AMQP_URL || 'amqp://guest:guest@127.0.0.1:5672',
  // The project's Redis that deploy/stack.sh starts (docs/redis.md), not the machine's on 6379.
  REDIS_URL: env.REDIS_URL || `redis://127.0.0.1:${env.OMS_REDIS_PORT || 6380}`,
  LOG_LEVEL: env.LOG_LEVEL || 'info',
  INTERNAL_API_TOKEN: internalToken,
};

const services = [
  { name: 'ingestion', port: ports.ingestion },
  { name: 'inventory', port: ports.inventory },
  { name: 'payment-check', port: ports['payment-check'], extra: { PAYMENT_PROVIDER_URL: url(ports.paymentSandbox) } },
  { name: 'fulfillment', port: ports.fulfillment },
  {
    name: 'carrier',
    port: ports.carrier,
    extra: {
      CARRIER_SANDBOX_URL: url(ports.carrierSandbox),
      // Two table-driven carriers for rate shopping (docs/carriers.md); OMS_CARRIERS_FILE='' for the sandbox carrier only.
      ...(carriersFile ? { CARRIERS_FILE: carriersFile } : {}),
    },
  },
  { name: 'returns', port: ports.returns },
  { name: 'tasks', port: ports.tasks },
  { name: 'reports', port: ports.reports },
  {
    name: 'gateway',
    port: gatewayPort,
    extra: {
      // The gateway is stateless: two processes share its port, so intake is not limited by one event loop.
      HTTP_WORKERS: env.GATEWAY_WORKERS || '2',
      OMS_BOOTSTRAP_API_KEY: apiKey,
      INGESTION_URL: url(ports.ingestion),
      INVENTORY_URL: url(ports.inventory),
      PAYMENT_CHECK_URL: url(ports['payment-check']),
      FULFILLMENT_URL: url(ports.fulfillment),
      CARRIER_URL: url(ports.carrier),
      RETURNS_URL: url(ports.returns),
      TASKS_URL: url(ports.tasks),
      REPORTS_URL: url(ports.reports),
    },
  },
];

const children = new Map();
let stopping = false;

/**
 * CPU priority (nice) of the services that process orders after intake. On one small machine they share the
 * cores with the gateway, and their work waits safely in durable queues while a client waiting for an answer
 * cannot: so intake goes first and processing catches up (on Kubernetes the same split is CPU requests per
 * Deployment). 0 gives every process the same share.
 */
const processingNice = Number(env.OMS_PROCESSING_NICE ?? 19);

/**
 * Linux with autogroup scheduling (the default of most distributions) shares the CPU between sessions first
 * and by nice value only within a session. RabbitMQ, the store and the load are sessions of their own, so a
 * service at nice 19 in the cluster's session still got a session's full share against them. A service with
 * a nice value therefore gets a session of its own (`detached`), and its session's group gets the same nice
 * value (/proc/<pid>/autogroup). Measured in docs/benchmarks/2026-11-27-intake-tail-warmup-autogroups.md.
 */
const autogroups = fs.existsSync('/proc/self/autogroup');

/**
 * Better than any nice value, where the machine allows it: the processing services share one CPU cgroup marked
 * idle (`cpu.idle`, Linux 5.15+; needs write access to the cgroup tree, as root has). Its processes run only
 * when nothing else wants the core, and the scheduler takes the core back at once when the gateway, RabbitMQ or
 * the store wake up. A group at nice 19 is only a small weight: once it has a core it may keep it for a time
 * slice, and those slices delayed the gateway and the broker's confirms (about a fifth off the intake's p99:
 * docs/benchmarks/2026-11-27-intake-idle-cpu-group.md). Its tasks are never starved outright (idle still gets a sliver of CPU), and
 * the work waits in durable queues. Without such a cgroup (no permission, cgroup v2 without the cpu
 * controller for our children) the services keep the nice value and its autogroup.
 */
const idleGroup = processingNice > 0 ? createIdleCgroup() : undefined;

function createIdleCgroup() {
  try {
    // cgroup v1 mounts the cpu controller on its own (cpu or cpu,cpuacct); v2 has one tree for all controllers.
    const mounts = fs
      .readFileSync('/proc/self/mounts', 'utf8')
      .split('\n')
      .map((line) => line.split(' '));
    const v1 = mounts.find(([, , type, options]) => type === 'cgroup' && options.split(',').includes('cpu'));
    const v2 = mounts.find(([, , type]) => type === 'cgroup2');
    const own = fs
      .readFileSync('/proc/self/cgroup', 'utf8')
      .split('\n')
      .map((line) => line.split(':'));
    const [mountPoint, ownPath] = v1
      ? [v1[1], own.find(([, controllers]) => controllers.split(',').includes('cpu'))?.[2]]
      : [v2?.[1], own.find(([hierarchy]) => hierarchy === '0')?.[2]];
    if (!mountPoint || ownPath === undefined) return undefined;
    const parent = path.join(mountPoint, ownPath);
    // Groups left by a cluster that was killed: removable once empty (rmdir refuses a group with processes).
    for (const stale of fs.readdirSync(parent).filter((name) => name.startsWith('oms-processing-'))) {
      try {
        fs.rmdirSync(path.join(parent, stale));
      } catch {
        // still in use by a running cluster
      }
    }
    const dir = path.join(parent, `oms-processing-${process.pid}`);
    fs.mkdirSync(dir);
    try {
      fs.writeFileSync(path.join(dir, 'cpu.idle'), '1');
    } catch (err) {
      fs.rmdirSync(dir);
      throw err;
    }
    return dir;
  } catch {
    return undefined;
  }
}

function removeIdleCgroup() {
  try {
    if (idleGroup) fs.rmdirSync(idleGroup);
  } catch {
    // a process is still in it (it did not stop in time): the next start removes the group
  }
}

function launch(name, script, childEnv, nice = 0) {
  const log = fs.openSync(path.join(logDir, `${name}.log`), 'a');
  // In the idle group the autogroup does not count (it applies only to tasks in the root group).
  const detached = nice > 0 && autogroups && !idleGroup;
  const child = spawn(process.execPath, [script], { cwd: root, env: { ...env, ...childEnv }, stdio: ['ignore', log, log], detached });
  if (nice) {
    try {
      os.setPriority(child.pid, nice);
      if (detached) fs.writeFileSync(`/proc/${child.pid}/autogroup`, String(nice));
      if (idleGroup) fs.writeFileSync(path.join(idleGroup, 'cgroup.procs'), String(child.pid));
    } catch (err) {
      console.error(`cluster: could not lower the priority of ${name}: ${err.message}`);
    }
  }
  children.set(name, child);
  child.on('exit', (code, signal) => {
    children.delete(name);
    fs.closeSync(log);
    if (stopping) return;
    console.error(`cluster: ${name} exited (${signal || code}); restarting in 2 s (log: ${path.relative(root, logDir)}/${name}.log)`);
    setTimeout(() => !stopping && launch(name, script, childEnv, nice), 2000);
  });
}

async function waitReady(name, port, timeoutMs = 60000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${url(port)}/readyz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${name} did not become ready within ${timeoutMs / 1000} s; see ${path.relative(root, logDir)}/${name}.log`);
}

async function main() {
  // OMS_SANDBOXES=external: the caller serves the sandboxes on their ports itself (deploy/chaos reads what they received).
  if (env.OMS_SANDBOXES !== 'external')
    launch('sandboxes', path.join(root, 'packages/sandboxes/dist/main.js'), {
      PAYMENT_SANDBOX_PORT: String(ports.paymentSandbox),
      CARRIER_SANDBOX_PORT: String(ports.carrierSandbox),
    });
  for (const s of services) {
    launch(
      s.name,
      path.join(root, 'services', s.name, 'dist/main.js'),
      {
        ...common,
        PORT: String(s.port),
        MONGO_URL: `${mongoBase}/oms_${s.name.replace(/-/g, '_')}`,
        ...(s.extra || {}),
      },
      s.name === 'gateway' ? 0 : processingNice,
    );
  }
  await Promise.all(services.map((s) => waitReady(s.name, s.port)));
  console.log('');
  console.log(`OMS is up. Gateway: ${url(gatewayPort)}`);
  console.log(`API key (ops): ${apiKey}`);
  console.log(`Console: ${url(gatewayPort)}/console (sign in with the API key the first time)`);
  console.log(`  export OMS_URL=${url(gatewayPort)} OMS_KEY=${apiKey}`);
  console.log(
    idleGroup
      ? `Processing services: idle CPU group ${idleGroup} (intake first).`
      : processingNice > 0
        ? `Processing services: nice ${processingNice} (intake first).`
        : 'Processing services: normal priority.',
  );
  console.log(`Logs: ${path.relative(root, logDir)}/<service>.log. Ctrl-C stops the cluster.`);
}

function stop() {
  if (stopping) return;
  stopping = true;
  console.log('cluster: stopping services');
  for (const child of children.values()) child.kill('SIGTERM');
  const deadline = setTimeout(() => {
    for (const child of children.values()) child.kill('SIGKILL');
    process.exit(1);
  }, 30000);
  const check = setInterval(() => {
    if (children.size === 0) {
      clearInterval(check);
      clearTimeout(deadline);
      removeIdleCgroup();
      process.exit(0);
    }
  }, 100);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
// A service in a session of its own does not get the terminal's hang-up: stop it with the cluster.
process.on('SIGHUP', stop);

main().catch((err) => {
  console.error(`cluster: ${err.message}`);
  stop();
});
