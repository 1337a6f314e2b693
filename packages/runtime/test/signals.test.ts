import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { TestStack, eventually } from '@oms/testing';

/** Signals as a terminal and a supervisor send them, on a real service run from its dist/ (packages/runtime). */
const mainJs = join(__dirname, '../../../services/fulfillment/dist/main.js');

describe('stopping on signals', () => {
  let stack: TestStack;
  beforeAll(async () => void (stack = await TestStack.create()));
  afterAll(async () => stack?.cleanup());

  it('when Ctrl-C reaches a service with HTTP_WORKERS=2 and a second SIGINT comes while it drains (a repeated Ctrl-C, or the primary passing the signal on after the worker got it), then every worker still finishes its drain and the service exits 0', async () => {
    const env = { ...stack.env('fulfillment'), HTTP_WORKERS: '2', SHUTDOWN_DRAIN_DELAY_MS: '1000', LOG_LEVEL: 'info' };
    // Its own process group, as a shell gives a foreground job: the signal below reaches primary and workers.
    const child = spawn(process.execPath, [mainJs], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    try {
      await eventually(() => (output.match(/fulfillment started/g) ?? []).length === 2, 30_000);
      process.kill(-child.pid!, 'SIGINT');
      await eventually(() => (output.match(/"msg":"shutting down"/g) ?? []).length === 2, 10_000, 20);
      // The workers are in their drain delay now: the same signal again must not cut it short.
      process.kill(-child.pid!, 'SIGINT');
      expect(await exited).toEqual({ code: 0, signal: null });
    } finally {
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
    }
    // One drain per worker; each heard the second signal (some also the primary's copy of the first) and kept to it.
    expect((output.match(/"msg":"shutting down"/g) ?? []).length).toBe(2);
    expect((output.match(/"msg":"already shutting down"/g) ?? []).length).toBeGreaterThanOrEqual(2);
  }, 60_000);

  it('when SHUTDOWN_DRAIN_DELAY_MS is not below SHUTDOWN_TIMEOUT_MS, then the service refuses to start and names both', async () => {
    const env = { ...stack.env('fulfillment'), SHUTDOWN_DRAIN_DELAY_MS: '5000', SHUTDOWN_TIMEOUT_MS: '5000' };
    const child = spawn(process.execPath, [mainJs], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    expect(await new Promise((resolve) => child.on('exit', resolve))).toBe(1);
    expect(stderr).toMatch(/SHUTDOWN_DRAIN_DELAY_MS: must be less than SHUTDOWN_TIMEOUT_MS/);
  });
});
