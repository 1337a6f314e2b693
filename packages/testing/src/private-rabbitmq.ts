import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports';
import { eventually } from './waiting';

/** The broker's own start script (the Debian package's; /usr/sbin/rabbitmq-server would switch to the rabbitmq user). */
const SERVER = process.env.OMS_RABBITMQ_SERVER ?? '/usr/lib/rabbitmq/bin/rabbitmq-server';

/**
 * A RabbitMQ of the test's own, with the management plugin, from the machine's binaries: its own node name,
 * ports, data and log directory and Erlang cookie (HOME), so that the shared broker (which has no management
 * plugin and must not be reconfigured) is not touched. For what needs the HTTP management API: creating
 * users and permissions as provisioning does. Its `guest` user works from 127.0.0.1 only, as usual.
 */
export class PrivateRabbitMq {
  private child?: ChildProcess;
  private exited?: Promise<unknown>;

  private constructor(
    readonly amqpPort: number,
    readonly managementPort: number,
    private readonly distPort: number,
    private readonly dir: string,
  ) {}

  static async start(): Promise<PrivateRabbitMq> {
    const [amqpPort, managementPort, distPort] = [await freePort(), await freePort(), await freePort()];
    const broker = new PrivateRabbitMq(amqpPort, managementPort, distPort, await mkdtemp(join(tmpdir(), 'oms-rabbitmq-')));
    await broker.run();
    return broker;
  }

  /** `amqp://guest:guest@127.0.0.1:<port>`, the default vhost; add `/<vhost>` for another. */
  get amqpBase(): string {
    return `amqp://guest:guest@127.0.0.1:${this.amqpPort}`;
  }

  amqpUrl(vhost = '/'): string {
    return `${this.amqpBase}/${encodeURIComponent(vhost)}`;
  }

  /** The management API with the administrator's credentials, as RABBITMQ_MANAGEMENT_URL takes it. */
  get managementUrl(): string {
    return `http://guest:guest@127.0.0.1:${this.managementPort}`;
  }

  /** One call of the management API as the administrator: the answer's status and JSON body. */
  async api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    const res = await fetch(`http://127.0.0.1:${this.managementPort}/api${path}`, {
      method,
      headers: { authorization: `Basic ${Buffer.from('guest:guest').toString('base64')}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }

  /** A vhost the administrator may use: what TestStack makes with rabbitmqctl on the shared broker. */
  async addVhost(vhost: string): Promise<void> {
    const name = encodeURIComponent(vhost);
    for (const [path, body] of [
      [`/vhosts/${name}`, {}],
      [`/permissions/${name}/guest`, { configure: '.*', write: '.*', read: '.*' }],
    ] as const) {
      const res = await this.api('PUT', path, body);
      if (res.status >= 300) throw new Error(`PUT ${path} answered ${res.status}`);
    }
  }

  async deleteVhost(vhost: string): Promise<void> {
    await this.api('DELETE', `/vhosts/${encodeURIComponent(vhost)}`);
  }

  /** Stop the broker (its start script stops the node cleanly on SIGTERM) and remove its data. */
  async stop(): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await this.exited;
      clearTimeout(timer);
    }
    await rm(this.dir, { recursive: true, force: true });
  }

  private async run(): Promise<void> {
    const plugins = join(this.dir, 'enabled_plugins');
    await writeFile(plugins, '[rabbitmq_management].\n');
    const env = {
      ...process.env,
      // The Erlang cookie is created in HOME: a directory of its own keeps the shared node's untouched.
      HOME: this.dir,
      RABBITMQ_NODENAME: `oms-test-${this.amqpPort}@localhost`,
      RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
      RABBITMQ_NODE_PORT: String(this.amqpPort),
      RABBITMQ_DIST_PORT: String(this.distPort),
      RABBITMQ_MNESIA_BASE: join(this.dir, 'mnesia'),
      RABBITMQ_LOG_BASE: join(this.dir, 'log'),
      RABBITMQ_ENABLED_PLUGINS_FILE: plugins,
      RABBITMQ_PLUGINS_EXPAND_DIR: join(this.dir, 'plugins-expand'),
      RABBITMQ_CONFIG_FILE: join(this.dir, 'rabbitmq'),
      RABBITMQ_ADVANCED_CONFIG_FILE: join(this.dir, 'advanced.config'),
      RABBITMQ_PID_FILE: join(this.dir, 'pid'),
      RABBITMQ_SERVER_START_ARGS: `-rabbitmq_management tcp_config [{port,${this.managementPort}},{ip,"127.0.0.1"}]`,
    };
    const child = spawn(SERVER, [], { env, stdio: 'ignore', cwd: this.dir });
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', resolve));
    const started = await eventually(
      async () => {
        if (child.exitCode !== null) throw new Error(`${SERVER} exited with ${child.exitCode}; see ${join(this.dir, 'log')}`);
        const res = await fetch(`http://127.0.0.1:${this.managementPort}/api/overview`, {
          headers: { authorization: `Basic ${Buffer.from('guest:guest').toString('base64')}` },
        }).catch(() => undefined);
        return res?.status === 200;
      },
      60_000,
      250,
    ).catch(async (err) => {
      await this.stop();
      throw err;
    });
    if (!started) throw new Error('the private RabbitMQ did not start');
  }
}
