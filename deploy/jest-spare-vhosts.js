// Spare vhosts of jest runs on the shared broker (packages/testing/src/vhosts.ts): each worker makes them
// eight at a time, named `oms-spare-<run>-<random>`, into a Redis list; each TestStack takes one and deletes it when done.
// What a worker did not use is removed here: this run's after it, and any run's older than two hours (a run
// that was killed) before the next one. Deleting a vhost removes its queues; one `rabbitmqctl` call per vhost.
const { execFile } = require('node:child_process');
const { promisify } = require('node:util');

const run = promisify(execFile);
const PREFIX = 'oms-spare-';
const STALE_MS = 2 * 60 * 60 * 1000;

const rabbitmqctl = async (...args) => (await run('rabbitmqctl', ['-q', ...args], { timeout: 60000 })).stdout;

/** The run's id: its start time in base 36 (a vhost name sorts and ages by it). */
const newRunId = () => Date.now().toString(36);

/** Deletes the spare vhosts of the run `runId`, or (without it) of every run older than two hours. */
async function removeSpareVhosts(runId) {
  const names = (await rabbitmqctl('list_vhosts', '--no-table-headers', 'name')).split('\n').map((line) => line.trim());
  const spares = names.filter((name) => {
    if (!name.startsWith(PREFIX)) return false;
    const owner = name.slice(PREFIX.length).split('-')[0];
    return runId ? owner === runId : Date.now() - parseInt(owner, 36) > STALE_MS;
  });
  for (const vhost of spares) await rabbitmqctl('delete_vhost', vhost).catch(() => undefined);
}

module.exports = { newRunId, removeSpareVhosts };
