'use strict';
// The chaos run's private servers: PostgreSQL, FerretDB on it, RabbitMQ and Redis, each from this machine's
// binaries with its own port and data directory under .run/chaos/, so they can be killed, restarted and
// filled without touching the shared servers (5432, 27017, 5672, 6379) other work depends on.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { log, run, probe, waitFor, requireFree, sleep } = require('./util');

const root = path.resolve(__dirname, '../..');

/** The newest PostgreSQL under /usr/lib/postgresql (its bin/ has initdb and pg_ctl). */
function postgresBin() {
  const base = '/usr/lib/postgresql';
  const versions = fs.existsSync(base) ? fs.readdirSync(base).filter((v) => fs.existsSync(path.join(base, v, 'bin/pg_ctl'))) : [];
  versions.sort((a, b) => Number(b) - Number(a));
  if (!versions.length) throw new Error('no PostgreSQL found under /usr/lib/postgresql/<version>/bin');
  return path.join(base, versions[0], 'bin');
}

/** PostgreSQL refuses to run as root: as root its commands run as the postgres user, who owns the data dir. */
const asRoot = process.getuid?.() === 0;
const pgCommand = (bin, args) => (asRoot ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args]);

function spawnLogged(command, args, logFile, env) {
  const out = fs.openSync(logFile, 'a');
  // A process group of its own: Ctrl-C in the terminal reaches the run, which stops everything in order.
  const child = spawn(command, args, { stdio: ['ignore', out, out], detached: true, env: env ?? process.env });
  fs.closeSync(out);
  // Written down for the next run, should this one be killed outright (redis-server rewrites its command line).
  fs.appendFileSync(path.join(path.dirname(logFile), '..', 'servers.pids'), `${child.pid}\n`);
  return child;
}

function waitExit(child, timeoutMs) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/**
 * PostgreSQL 15 with the settings the store's behaviour depends on written out: autovacuum on (the planner
 * needs statistics as collections grow), fsync on (a crash must not lose what was committed: the store
 * restart below is an immediate shutdown, i.e. a crash), and room for FerretDB's pool.
 */
class Postgres {
  constructor(dir, port) {
    this.dir = path.join(dir, 'postgres');
    this.port = port;
    this.bin = postgresBin();
    this.logFile = path.join(dir, 'logs', 'postgres.log');
  }

  async pg(tool, args, timeoutMs) {
    const [command, argv] = pgCommand(path.join(this.bin, tool), args);
    return run(command, argv, { timeoutMs });
  }

  async init() {
    await requireFree(this.port, 'postgresql');
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    fs.writeFileSync(this.logFile, '');
    if (asRoot) await run('chown', ['-R', 'postgres', this.dir, this.logFile]);
    await this.pg('initdb', ['-D', this.dir, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-instructions'], 120000);
    // The settings of the project's own cluster (deploy/postgresql/oms.conf, docs/postgresql.md), as
    // deploy/stack.sh sets it up: durability on, autovacuum tuned for FerretDB's update-heavy tables.
    fs.copyFileSync(path.join(root, 'deploy/postgresql/oms.conf'), path.join(this.dir, 'oms.conf'));
    if (asRoot) await run('chown', ['postgres', path.join(this.dir, 'oms.conf')]);
    fs.appendFileSync(
      path.join(this.dir, 'postgresql.conf'),
      [
        '',
        '# deploy/chaos: a private server for one chaos run',
        `port = ${this.port}`,
        "listen_addresses = '127.0.0.1'",
        `unix_socket_directories = '${this.dir}'`,
        "include 'oms.conf'",
        '',
      ].join('\n'),
    );
  }

  async start() {
    await this.pg('pg_ctl', ['-D', this.dir, '-l', this.logFile, '-w', '-t', '60', 'start'], 90000);
    await waitFor('postgresql', () => probe(this.port), 30000);
  }

  /** `immediate` is a crash (recovery replays the WAL at the next start); `fast` a clean stop. */
  async stop(mode = 'fast') {
    if (!fs.existsSync(path.join(this.dir, 'postmaster.pid'))) return;
    await this.pg('pg_ctl', ['-D', this.dir, '-m', mode, '-w', '-t', '60', 'stop'], 90000).catch((err) => log(`postgresql: stop failed: ${err.message}`));
  }

  psql(database, args) {
    return run('psql', ['-h', '127.0.0.1', '-p', String(this.port), '-U', 'postgres', '-d', database, '-XAtq', '-v', 'ON_ERROR_STOP=1', ...args]);
  }
}

/**
 * FerretDB 1.24 on the private PostgreSQL: the binary `bash deploy/stack.sh` builds, with the same database
 * set-up (deploy/ferretdb-indexes.sql and the planner settings: stack.sh says why) and the same pool size.
 */
class FerretDb {
  constructor(dir, port, postgres) {
    this.dir = dir;
    this.port = port;
    this.postgres = postgres;
    this.bin = path.join(process.env.OMS_CACHE_DIR || path.join(os.homedir(), '.cache/oms'), 'bin/ferretdb');
    this.pool = Number(process.env.OMS_FERRETDB_POOL || 120);
    this.child = undefined;
  }

  async init() {
    if (!fs.existsSync(this.bin)) throw new Error(`${this.bin} is missing: \`bash deploy/stack.sh\` builds it`);
    await requireFree(this.port, 'ferretdb');
    await this.postgres.psql('postgres', ['-c', 'create database ferretdb']);
    await this.postgres.psql('ferretdb', ['-f', path.join(root, 'deploy/ferretdb-indexes.sql')]);
    await this.postgres.psql('postgres', [
      '-c',
      'alter database ferretdb set plan_cache_mode = force_custom_plan',
      '-c',
      'alter database ferretdb set enable_seqscan = off',
    ]);
  }

  async start() {
    const state = path.join(this.dir, 'ferretdb-state');
    fs.mkdirSync(state, { recursive: true });
    this.child = spawnLogged(
      this.bin,
      [
        '--handler=postgresql',
        `--postgresql-url=postgres://postgres@127.0.0.1:${this.postgres.port}/ferretdb?pool_max_conns=${this.pool}`,
        `--listen-addr=127.0.0.1:${this.port}`,
        `--state-dir=${state}`,
        '--debug-addr=127.0.0.1:0',
        '--telemetry=disable',
        '--log-level=warn',
      ],
      path.join(this.dir, 'logs', 'ferretdb.log'),
    );
    const child = this.child;
    await waitFor('ferretdb listening', () => {
      if (child.exitCode !== null) throw new Error('ferretdb exited at start (see .run/chaos/logs/ferretdb.log)');
      return probe(this.port);
    });
  }

  async stop(signal = 'SIGTERM') {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    child.kill(signal);
    if (!(await waitExit(child, 10000))) {
      child.kill('SIGKILL');
      await waitExit(child, 5000);
    }
  }
}

/**
 * RabbitMQ as a node of its own (RABBITMQ_NODENAME) with its own ports, database and logs, no plugins, and
 * a cookie in a HOME of its own, so rabbitmqctl -n reaches this node only. Started detached, like
 * deploy/stack.sh starts the shared one. As root the packaged wrapper (/usr/sbin) would `su rabbitmq` and
 * lose this environment, so the scripts behind it are called directly.
 */
class RabbitMq {
  constructor(dir, port, distPort) {
    this.dir = path.join(dir, 'rabbitmq');
    this.logDir = path.join(dir, 'logs', 'rabbitmq');
    this.port = port;
    this.distPort = distPort;
    this.node = `oms-chaos-${port}@localhost`;
    const direct = '/usr/lib/rabbitmq/bin';
    this.server = fs.existsSync(path.join(direct, 'rabbitmq-server')) ? path.join(direct, 'rabbitmq-server') : 'rabbitmq-server';
    this.ctl = fs.existsSync(path.join(direct, 'rabbitmqctl')) ? path.join(direct, 'rabbitmqctl') : 'rabbitmqctl';
  }

  get env() {
    return {
      ...process.env,
      HOME: this.dir,
      RABBITMQ_NODENAME: this.node,
      RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
      RABBITMQ_NODE_PORT: String(this.port),
      RABBITMQ_DIST_PORT: String(this.distPort),
      RABBITMQ_MNESIA_BASE: path.join(this.dir, 'mnesia'),
      RABBITMQ_LOG_BASE: this.logDir,
      RABBITMQ_ENABLED_PLUGINS_FILE: path.join(this.dir, 'enabled_plugins'),
      RABBITMQ_CONFIG_FILE: path.join(this.dir, 'rabbitmq.conf'),
      RABBITMQ_CONF_ENV_FILE: path.join(this.dir, 'rabbitmq-env.conf'),
      RABBITMQ_PID_FILE: path.join(this.dir, 'rabbitmq.pid'),
      // An Erlang VM that fails to start writes erl_crash.dump into its working directory: keep it with the logs.
      ERL_CRASH_DUMP: path.join(this.logDir, 'erl_crash.dump'),
      ERL_EPMD_ADDRESS: '127.0.0.1',
    };
  }

  async init() {
    await requireFree(this.port, 'rabbitmq');
    await requireFree(this.distPort, 'rabbitmq distribution');
    fs.mkdirSync(path.join(this.dir, 'mnesia'), { recursive: true });
    fs.mkdirSync(this.logDir, { recursive: true });
    fs.writeFileSync(path.join(this.dir, 'enabled_plugins'), '[].\n');
    fs.writeFileSync(path.join(this.dir, 'rabbitmq-env.conf'), '');
    fs.writeFileSync(path.join(this.dir, 'rabbitmq.conf'), `listeners.tcp.default = 127.0.0.1:${this.port}\n`);
    const cookie = path.join(this.dir, '.erlang.cookie');
    fs.rmSync(cookie, { force: true });
    fs.writeFileSync(cookie, require('node:crypto').randomBytes(20).toString('hex').toUpperCase(), { mode: 0o400 });
  }

  ctlRun(args, timeoutMs = 60000) {
    return run(this.ctl, ['-n', this.node, ...args], { env: this.env, timeoutMs, cwd: this.dir });
  }

  async start() {
    await run(this.server, ['-detached'], { env: this.env, timeoutMs: 30000, cwd: this.dir });
    // await_startup fails at once for a node that has not registered with epmd yet: wait for that first.
    await waitFor('rabbitmq node up', () => this.ctlRun(['-q', 'ping'], 15000).then(() => true), 60000, 500);
    await this.ctlRun(['-q', 'await_startup', '--timeout', '120'], 130000);
    await waitFor('rabbitmq listening', () => probe(this.port), 30000);
  }

  async stop() {
    try {
      await this.ctlRun(['-q', 'stop'], 60000);
    } catch (err) {
      // not running, or hung: the pid file names the node's VM
      const pidFile = path.join(this.dir, 'rabbitmq.pid');
      const pid = fs.existsSync(pidFile) ? Number(fs.readFileSync(pidFile, 'utf8')) : 0;
      if (pid) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      if (!/nodedown|unable to perform an operation|not running/i.test(err.message)) log(`rabbitmq: stop failed (${err.message.split('\n')[0]}); killed`);
    }
    await waitFor('rabbitmq stopped', async () => !(await probe(this.port)), 30000).catch(() => undefined);
  }

  /** Queues with their message counts (the CLI needs no management plugin). */
  async queues() {
    const out = await this.ctlRun(['-q', 'list_queues', '--no-table-headers', 'name', 'messages'], 30000);
    return out
      .split('\n')
      .map((line) => line.trim().split(/\s+/))
      .filter((cols) => cols.length === 2 && /^\d+$/.test(cols[1]))
      .map(([name, messages]) => ({ name, messages: Number(messages) }));
  }
}

/**
 * Redis with a memory limit and the policy of the deployment (noeviction: a full Redis refuses writes, it
 * never drops a lock or a counter behind the services' back), keeping nothing on disk: a restart loses
 * everything, as a failover to an empty replica would.
 */
class Redis {
  constructor(dir, port, maxmemory, policy) {
    this.dir = path.join(dir, 'redis');
    this.logFile = path.join(dir, 'logs', 'redis.log');
    this.port = port;
    this.maxmemory = maxmemory;
    this.policy = policy;
    this.child = undefined;
  }

  async init() {
    await requireFree(this.port, 'redis');
    fs.mkdirSync(this.dir, { recursive: true });
  }

  async start() {
    this.child = spawnLogged(
      'redis-server',
      [
        '--bind',
        '127.0.0.1',
        '--port',
        String(this.port),
        '--save',
        '',
        '--appendonly',
        'no',
        '--maxmemory',
        this.maxmemory,
        '--maxmemory-policy',
        this.policy,
        '--dir',
        this.dir,
        '--daemonize',
        'no',
      ],
      this.logFile,
    );
    const child = this.child;
    await waitFor('redis listening', () => {
      if (child.exitCode !== null) throw new Error('redis-server exited at start (see .run/chaos/logs/redis.log)');
      return probe(this.port);
    });
  }

  async stop(signal = 'SIGTERM') {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    child.kill(signal);
    if (!(await waitExit(child, 10000))) {
      child.kill('SIGKILL');
      await waitExit(child, 5000);
    }
  }
}

/** All four, created, started and stopped together (FerretDB after and before its PostgreSQL). */
class PrivateStack {
  constructor({ dir, portBase, redisMaxmemory = '128mb', redisPolicy = 'noeviction' }) {
    this.dir = dir;
    this.postgres = new Postgres(dir, portBase + 432);
    this.ferretdb = new FerretDb(dir, portBase + 17, this.postgres);
    this.rabbitmq = new RabbitMq(dir, portBase + 672, portBase + 673);
    this.redis = new Redis(dir, portBase + 379, redisMaxmemory, redisPolicy);
    this.started = false;
  }

  get urls() {
    return {
      amqp: `amqp://guest:guest@127.0.0.1:${this.rabbitmq.port}`,
      redis: `redis://127.0.0.1:${this.redis.port}`,
      mongo: `mongodb://127.0.0.1:${this.ferretdb.port}`,
    };
  }

  async start() {
    fs.mkdirSync(path.join(this.dir, 'logs'), { recursive: true });
    await Promise.all([this.postgres.init(), this.rabbitmq.init(), this.redis.init()]);
    this.started = true;
    await Promise.all([
      (async () => {
        await this.postgres.start();
        await this.ferretdb.init();
        await this.ferretdb.start();
      })(),
      this.rabbitmq.start(),
      this.redis.start(),
    ]);
  }

  /** The store: FerretDB killed and PostgreSQL crashed (immediate), down for `outageMs`, then both back. */
  async restartStore(outageMs) {
    await this.ferretdb.stop('SIGKILL');
    await this.postgres.stop('immediate');
    await sleep(outageMs);
    await this.postgres.start();
    await this.ferretdb.start();
  }

  async restartRabbitMq(outageMs) {
    await this.rabbitmq.stop();
    await sleep(outageMs);
    await this.rabbitmq.start();
  }

  /** Redis keeps nothing (--save "", no AOF): after this it is empty. */
  async restartRedis(outageMs) {
    await this.redis.stop('SIGKILL');
    await sleep(outageMs);
    await this.redis.start();
  }

  async stop() {
    if (!this.started) return;
    this.started = false;
    await Promise.all([
      this.redis.stop(),
      this.rabbitmq.stop(),
      (async () => {
        await this.ferretdb.stop();
        await this.postgres.stop('fast');
      })(),
    ]);
  }
}

module.exports = { PrivateStack };
