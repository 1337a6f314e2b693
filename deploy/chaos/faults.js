'use strict';
// The faults of a chaos run, on a schedule relative to the start of the load: SIGKILL each service in turn
// (deploy/cluster.js restarts a service that dies), SIGSTOP one for a while then SIGCONT, restart RabbitMQ,
// restart the store (FerretDB and its PostgreSQL), restart Redis (it keeps nothing) and fill Redis to its
// limit once. Each fault is printed when it starts and ends, and kept for the report.
const fs = require('node:fs');
const Redis = require('ioredis');
const { log, sleep, stamp } = require('./util');

const SERVICES = ['ingestion', 'inventory', 'payment-check', 'fulfillment', 'carrier', 'returns', 'tasks', 'reports', 'gateway'];

/** The pid of a service's process: the child of cluster.js that runs services/<name>/dist/main.js. */
function servicePid(clusterPid, name) {
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== clusterPid) continue;
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmdline.includes(`services/${name}/dist/main.js`)) return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}

/**
 * The schedule for a load of `seconds`: the nine kills spread over the first ~45%, then the pause, the
 * broker, the store, Redis and the fill, each with room for the system to recover before the next.
 */
function schedule({ seconds, pauseSeconds, outageSeconds, fillHoldSeconds }) {
  const at = (fraction) => Math.round(seconds * fraction * 10) / 10;
  const faults = SERVICES.map((name, i) => ({ at: at(0.05 + i * 0.045), kind: 'kill', service: name }));
  faults.push({ at: at(0.47), kind: 'pause', service: 'inventory', seconds: pauseSeconds });
  faults.push({ at: at(0.47) + pauseSeconds + at(0.04), kind: 'restart-rabbitmq', seconds: outageSeconds });
  const last = faults[faults.length - 1].at;
  const rest = (seconds - last) / 4;
  faults.push({ at: Math.round((last + rest) * 10) / 10, kind: 'restart-store', seconds: outageSeconds });
  faults.push({ at: Math.round((last + 2 * rest) * 10) / 10, kind: 'restart-redis', seconds: outageSeconds });
  faults.push({ at: Math.round((last + 3 * rest) * 10) / 10, kind: 'fill-redis', seconds: fillHoldSeconds });
  return faults;
}

class Faults {
  constructor({ stack, cluster, plan }) {
    this.stack = stack;
    this.cluster = cluster;
    this.plan = plan;
    this.done = [];
    this.paused = undefined;
    this.cancelled = false;
  }

  /** Run the plan from `loadStart` on; each fault starts at its time (or after the one before has ended). */
  async run(loadStart) {
    for (const fault of this.plan) {
      const due = loadStart + fault.at * 1000;
      while (Date.now() < due && !this.cancelled) await sleep(Math.min(500, due - Date.now()));
      if (this.cancelled) return;
      const record = { ...fault, startedAt: new Date().toISOString(), offsetSeconds: Math.round((Date.now() - loadStart) / 100) / 10 };
      this.done.push(record);
      try {
        record.detail = await this.inject(fault);
      } catch (err) {
        record.error = err.message.split('\n')[0];
        log(`fault: ${describe(fault)} FAILED: ${record.error}`);
      }
      record.endedAt = new Date().toISOString();
    }
  }

  async inject(fault) {
    switch (fault.kind) {
      case 'kill': {
        const pid = servicePid(this.cluster.pid, fault.service);
        if (!pid) throw new Error(`no running process of ${fault.service}`);
        process.kill(pid, 'SIGKILL');
        log(`fault: SIGKILL ${fault.service} (pid ${pid}); cluster.js restarts it`);
        return `pid ${pid}`;
      }
      case 'pause': {
        const pid = servicePid(this.cluster.pid, fault.service);
        if (!pid) throw new Error(`no running process of ${fault.service}`);
        process.kill(pid, 'SIGSTOP');
        this.paused = pid;
        log(`fault: SIGSTOP ${fault.service} (pid ${pid}) for ${fault.seconds} s`);
        await sleep(fault.seconds * 1000);
        this.resume();
        log(`fault: SIGCONT ${fault.service} (pid ${pid})`);
        return `pid ${pid}`;
      }
      case 'restart-rabbitmq':
        log(`fault: RabbitMQ stopped; back in ${fault.seconds} s`);
        await this.stack.restartRabbitMq(fault.seconds * 1000);
        log('fault: RabbitMQ is back');
        return undefined;
      case 'restart-store':
        log(`fault: store down (FerretDB SIGKILL, PostgreSQL immediate shutdown); back in ${fault.seconds} s`);
        await this.stack.restartStore(fault.seconds * 1000);
        log('fault: store is back (PostgreSQL recovered, FerretDB listening)');
        return undefined;
      case 'restart-redis':
        log(`fault: Redis killed (it keeps nothing: all its data is lost); back in ${fault.seconds} s`);
        await this.stack.restartRedis(fault.seconds * 1000);
        log('fault: Redis is back, empty');
        return undefined;
      case 'fill-redis':
        return this.fillRedis(fault.seconds);
      default:
        throw new Error(`unknown fault ${fault.kind}`);
    }
  }

  /** Fill Redis with 1 MB values until it refuses writes (OOM), hold it full, then free what was written. */
  async fillRedis(holdSeconds) {
    const redis = new Redis(this.stack.urls.redis, { maxRetriesPerRequest: 3, lazyConnect: true });
    await redis.connect();
    const value = Buffer.alloc(1024 * 1024, 'x');
    let keys = 0;
    let refused;
    try {
      for (; keys < 100000; keys++) {
        try {
          await redis.set(`chaos:fill:${keys}`, value);
        } catch (err) {
          refused = err.message;
          break;
        }
      }
      const info = await redis.info('memory');
      const used = /used_memory_human:(\S+)/.exec(info)?.[1];
      log(`fault: Redis full (${keys} MB written, ${used} used; next write: ${refused ?? 'no refusal'}); held for ${holdSeconds} s`);
      await sleep(holdSeconds * 1000);
    } finally {
      for (let i = 0; i < keys; i += 100)
        await redis.del(...Array.from({ length: Math.min(100, keys - i) }, (_, j) => `chaos:fill:${i + j}`)).catch(() => undefined);
      redis.disconnect();
    }
    log('fault: Redis freed');
    return `${keys} MB written before the refusal "${refused ?? 'none'}"`;
  }

  /** SIGCONT a paused service: on the way out too, or it would stay stopped and never exit. */
  resume() {
    if (!this.paused) return;
    try {
      process.kill(this.paused, 'SIGCONT');
    } catch {
      // already gone
    }
    this.paused = undefined;
  }

  cancel() {
    this.cancelled = true;
    this.resume();
  }
}

function describe(fault) {
  switch (fault.kind) {
    case 'kill':
      return `SIGKILL ${fault.service}`;
    case 'pause':
      return `SIGSTOP ${fault.service} for ${fault.seconds} s, then SIGCONT`;
    case 'restart-rabbitmq':
      return `restart RabbitMQ (down ${fault.seconds} s)`;
    case 'restart-store':
      return `restart the store: FerretDB and PostgreSQL (down ${fault.seconds} s)`;
    case 'restart-redis':
      return `restart Redis, losing its data (down ${fault.seconds} s)`;
    case 'fill-redis':
      return `fill Redis to its limit, hold ${fault.seconds} s, free it`;
    default:
      return fault.kind;
  }
}

function printPlan(plan, loadStart) {
  log('faults planned (seconds after the start of the load):');
  for (const fault of plan) console.log(`  ${stamp(loadStart + fault.at * 1000)} +${String(fault.at).padStart(5)} s  ${describe(fault)}`);
}

module.exports = { Faults, schedule, describe, printPlan, SERVICES };
