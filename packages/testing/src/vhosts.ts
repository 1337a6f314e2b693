import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import Redis from 'ioredis';
import { TEST_REDIS_URL } from './addresses';

const run = promisify(execFile);

/** RabbitMQ's CLI; tests run as root on the machine that runs the broker. */
export async function rabbitmqctl(...args: string[]): Promise<string> {
  const { stdout } = await run('rabbitmqctl', ['-q', ...args], { timeout: 30000 });
  return stdout;
}

/**
 * Vhosts made ahead for a jest run's test files are `oms-spare-<run>-<random>`, where <run> (OMS_TEST_RUN_ID)
 * is set by jest's global setup (deploy/jest-global-setup.js): the run's start time in base 36.
 */
const SPARE_VHOST_PREFIX = 'oms-spare-';
/** Vhosts made per `rabbitmqctl` call. */
const SPARE_BATCH = 8;
/** Spares of a run that was killed are removed by the next run once they are this old. */
const STALE_SPARES_MS = 2 * 60 * 60 * 1000;
/** The Redis list the run's workers and test files take spares from. */
const spareListKey = (runId: string) => `oms-test:spare-vhosts:${runId}`;

/** A new run's id (for OMS_TEST_RUN_ID). */
export const newRunId = (): string => Date.now().toString(36);

/** `rabbitmqctl import_definitions` with no file reads them from standard input. */
function importDefinitions(definitions: object): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = execFile('rabbitmqctl', ['-q', 'import_definitions', '--format', 'json'], { timeout: 60000 }, (err) => (err ? reject(err) : resolve()));
    child.stdin?.end(JSON.stringify(definitions));
  });
}

/**
 * A new vhost on the shared broker that guest may use. Each `rabbitmqctl` call boots an Erlang VM (about 1 s
 * of CPU), and a vhost took two (add, set permissions): under jest (OMS_TEST_RUN_ID set) they are made
 * SPARE_BATCH at a time in one call, and the spares wait in a Redis list that every worker and test file
 * takes from (a module's own list would not do: jest loads the module again for each test file). Spares
 * are empty, a handle or two of the broker's file handle cache each; the global teardown removes those
 * left. A used vhost is still deleted at once by TestStack.cleanup: one left standing keeps its queues'
 * handles, and once the cache's ~900 are taken the broker stops accepting connections.
 */
export async function newSharedVhost(): Promise<string> {
  const runId = process.env.OMS_TEST_RUN_ID;
  if (!runId) {
    const vhost = `oms-${randomBytes(6).toString('hex')}`;
    await rabbitmqctl('add_vhost', vhost);
    await rabbitmqctl('set_permissions', '-p', vhost, 'guest', '.*', '.*', '.*');
    return vhost;
  }
  const key = spareListKey(runId);
  const redis = new Redis(TEST_REDIS_URL);
  try {
    const spare = await redis.lpop(key);
    if (spare) return spare;
    const batch = Array.from({ length: SPARE_BATCH }, () => `${SPARE_VHOST_PREFIX}${runId}-${randomBytes(6).toString('hex')}`);
    await importDefinitions({
      vhosts: batch.map((name) => ({ name })),
      permissions: batch.map((vhost) => ({ user: 'guest', vhost, configure: '.*', write: '.*', read: '.*' })),
    });
    await redis
      .multi()
      .rpush(key, ...batch.slice(1))
      .expire(key, 24 * 60 * 60)
      .exec();
    return batch[0];
  } finally {
    redis.disconnect();
  }
}

/**
 * Deletes the spare vhosts of the run `runId` and its list (the global teardown), or, without it, the spares
 * of every run older than STALE_SPARES_MS (the global setup). One `rabbitmqctl` call per vhost: only spares
 * and the vhosts of tests that did not clean up are left.
 */
export async function removeSpareVhosts(runId?: string): Promise<void> {
  const names = (await rabbitmqctl('list_vhosts', '--no-table-headers', 'name')).split('\n').map((line) => line.trim());
  const spares = names.filter((name) => {
    if (!name.startsWith(SPARE_VHOST_PREFIX)) return false;
    const owner = name.slice(SPARE_VHOST_PREFIX.length).split('-')[0];
    return runId ? owner === runId : Date.now() - parseInt(owner, 36) > STALE_SPARES_MS;
  });
  for (const vhost of spares) await rabbitmqctl('delete_vhost', vhost).catch(() => undefined);
  if (!runId) return;
  const redis = new Redis(TEST_REDIS_URL);
  await redis.del(spareListKey(runId)).finally(() => redis.disconnect());
}
