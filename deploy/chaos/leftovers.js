'use strict';
// What an earlier chaos run left running when it was killed outright (SIGKILL, a closed terminal): its
// cluster (whose pid it wrote down) and the private servers, recognisable by their data directory under
// .run/chaos/ on their command line. Stopped before a new run takes the same ports and directories.
const fs = require('node:fs');
const path = require('node:path');
const { log, sleep } = require('./util');

const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const cmdline = (pid) => {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
};

async function stopLeftovers(dir) {
  const pidFile = path.join(dir, 'cluster.pid');
  const clusterPid = fs.existsSync(pidFile) ? Number(fs.readFileSync(pidFile, 'utf8')) : 0;
  if (clusterPid && alive(clusterPid) && cmdline(clusterPid).includes('deploy/cluster.js')) {
    log(`chaos: stopping the cluster an earlier run left behind (pid ${clusterPid})`);
    // The cluster was started as the leader of its own process group, its services with it.
    process.kill(-clusterPid, 'SIGKILL');
  }
  fs.rmSync(pidFile, { force: true });
  const pidsFile = path.join(dir, 'servers.pids');
  const started = fs.existsSync(pidsFile) ? fs.readFileSync(pidsFile, 'utf8').split('\n').filter(Boolean).map(Number) : [];
  fs.rmSync(pidsFile, { force: true });
  const servers = fs
    .readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry) && Number(entry) !== process.pid)
    .map(Number)
    .filter((pid) => cmdline(pid).includes(`${dir}/`) || (started.includes(pid) && /redis-server|ferretdb/.test(cmdline(pid))));
  for (const pid of servers) {
    log(`chaos: stopping a server an earlier run left behind: ${cmdline(pid).slice(0, 120)}`);
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
  if (servers.length) await sleep(2000);
}

module.exports = { stopLeftovers };
