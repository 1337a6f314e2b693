import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { eventually } from './waiting';

/**
 * A server process of the test's own on a port of its own: `stop()` kills it (SIGKILL, an outage or a
 * crash), `start()` runs it again on the same port. For what must never be done to the shared servers.
 */
export class PrivateServer {
  private child?: ChildProcess;

  constructor(
    readonly port: number,
    private readonly command: string,
    private readonly args: string[],
  ) {}

  async start(): Promise<void> {
    this.child = spawn(this.command, this.args, { stdio: 'ignore' });
    await eventually(() => canConnect(this.port), 15_000, 100);
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
}

/**
 * A FerretDB of the test's own (the binary `deploy/stack.sh` builds) on the project's PostgreSQL: stopping it
 * takes nothing from the shared FerretDB, and what it stored is there for the shared one to read.
 */
export function privateFerretDb(port: number, stateDir: string): PrivateServer {
  return new PrivateServer(port, join(process.env.OMS_CACHE_DIR ?? join(homedir(), '.cache/oms'), 'bin/ferretdb'), [
    '--handler=postgresql',
    `--postgresql-url=postgres://postgres@127.0.0.1:${process.env.OMS_PG_PORT ?? 5433}/ferretdb?pool_max_conns=10`,
    `--listen-addr=127.0.0.1:${port}`,
    `--state-dir=${stateDir}`,
    '--debug-addr=-',
    '--telemetry=disable',
    '--log-level=error',
  ]);
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}
