import { spawn, type ChildProcess } from 'node:child_process';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from '@oms/redis';
import { eventually, freePort } from '@oms/testing';

/**
 * A redis-server of the test's own (own port, own directory), for what must never be done to the shared one:
 * kill it, restart it from an older snapshot, reload an older snapshot in place. It writes an RDB only when
 * told (`snapshot()`), so a restart loads exactly that snapshot: the state of an RDB rollback, of an AOF that
 * lost its last second, or of a replica that lagged when it was promoted.
 */
export class PrivateRedis {
  private child?: ChildProcess;
  private admin?: Redis;

  private constructor(
    readonly port: number,
    readonly dir: string,
  ) {}

  static async start(): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await freePort(), await mkdtemp(join(tmpdir(), 'oms-inventory-redis-')));
    await redis.launch();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** A client for the test itself (the service has its own). */
  get client(): Redis {
    this.admin ??= new Redis(this.url, { maxRetriesPerRequest: null });
    return this.admin;
  }

  async runId(): Promise<string> {
    return /run_id:(\w+)/.exec(await this.client.info('server'))![1]!;
  }

  /** Write dump.rdb now and keep a copy: the "older snapshot" to go back to. */
  async snapshot(): Promise<void> {
    await this.client.save();
    await copyFile(join(this.dir, 'dump.rdb'), join(this.dir, 'older.rdb'));
  }

  /** SIGKILL, then start again on the same port from the snapshot: everything after it is lost. */
  async crashAndRestartFromSnapshot(): Promise<void> {
    await this.kill();
    await copyFile(join(this.dir, 'older.rdb'), join(this.dir, 'dump.rdb'));
    await this.launch();
  }

  /** The same process loads the snapshot in place (DEBUG RELOAD NOSAVE): a rollback without a restart. */
  async reloadSnapshotInPlace(): Promise<void> {
    await copyFile(join(this.dir, 'older.rdb'), join(this.dir, 'dump.rdb'));
    await this.client.call('DEBUG', 'RELOAD', 'NOSAVE');
  }

  async stop(): Promise<void> {
    this.admin?.disconnect();
    await this.kill();
    await rm(this.dir, { recursive: true, force: true });
  }

  private async launch(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--save', '', '--appendonly', 'no'];
    this.child = spawn('redis-server', [...args, '--enable-debug-command', 'local'], { stdio: 'ignore' });
    const probe = new Redis(this.url, { maxRetriesPerRequest: 0, retryStrategy: () => 50, lazyConnect: true });
    try {
      await eventually(async () => (await probe.ping().catch(() => undefined)) === 'PONG', 10_000, 50);
    } finally {
      probe.disconnect();
    }
  }

  private async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
}
