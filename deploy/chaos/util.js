'use strict';
// Small helpers shared by the chaos run's modules: timestamped output, child commands, waiting.
const { execFile } = require('node:child_process');
const net = require('node:net');

const startedAt = Date.now();

/** `[+12.3s 20:41:03Z] message`: seconds since the run started and the wall clock (UTC). */
function stamp(at = Date.now()) {
  return `[+${((at - startedAt) / 1000).toFixed(1).padStart(6)}s ${new Date(at).toISOString().slice(11, 19)}Z]`;
}

function log(message) {
  console.log(`${stamp()} ${message}`);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Run a command to its end; rejects with its output when it fails or outlives `timeoutMs`. */
function run(command, args, { env, timeoutMs = 60000, cwd } = {}) {
  return new Promise((resolve, reject) => {
    execFile(command, args, { env: env ?? process.env, timeout: timeoutMs, cwd, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) {
        err.message = `${command} ${args.join(' ')}: ${err.message}\n${stdout}${stderr}`.trim();
        reject(err);
      } else resolve(stdout);
    });
  });
}

/** True when something accepts TCP connections on 127.0.0.1:port. */
function probe(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

async function waitFor(what, check, timeoutMs = 60000, everyMs = 250) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (err) {
      last = err;
    }
    await sleep(everyMs);
  }
  throw new Error(`${what}: not reached within ${timeoutMs / 1000} s${last ? ` (${last.message})` : ''}`);
}

/** A port must be free before a private server takes it: a clash would test someone else's server. */
async function requireFree(port, what) {
  if (await probe(port)) throw new Error(`port ${port} (${what}) is taken: choose another base with --port-base`);
}

module.exports = { stamp, log, sleep, run, probe, waitFor, requireFree, startedAt };
