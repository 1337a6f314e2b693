import { randomBytes } from 'node:crypto';
import { AppError, conflict } from '@oms/errors';
import { PARTNER_QUEUE_ARGUMENTS, PARTNERS_EXCHANGE, partnerBindingArguments, partnerPermissions, partnerQueueName, partnerUserName } from '@oms/contracts';

/** What the broker holds of a partner's feed (GET /v1/partners/{id}); never a password. */
export interface PartnerFeedState {
  vhost: string;
  queue: { name: string; messages: number; consumers: number; arguments: Record<string, unknown> } | null;
  /** The queue is bound to the partners exchange for this partner's events. */
  bound: boolean;
  user: { name: string; exists: boolean; permissions: { configure: string; write: string; read: string } | null };
}

export interface ProvisionedFeed {
  user: string;
  queue: string;
  vhost: string;
  /** Set when the user was created or its password rotated: shown once, kept nowhere. */
  password?: string;
}

/** The broker's management API answered something we cannot act on: a dependency failure, retried like one. */
const unavailable = (detail: string) => new AppError(503, 'Service Unavailable', `RabbitMQ management API: ${detail}`);

/**
 * The partners' feeds through RabbitMQ's HTTP management API (RABBITMQ_MANAGEMENT_URL): a queue per partner,
 * its binding to the partners exchange, and a user that may read that queue only. Every call is a PUT of the
 * whole object or a binding that exists once however often it is made, so provisioning again repairs what is
 * missing and changes nothing else.
 */
export class BrokerManagement {
  private readonly base: string;
  private readonly authorization: string;

  constructor(
    url: string,
    /** The vhost of the services' AMQP_URL: the partners' queues live beside the events they receive. */
    readonly vhost: string,
    private readonly timeoutMs: number,
  ) {
    const parsed = new URL(url);
    // fetch refuses URLs with credentials: they go into the header.
    this.authorization = `Basic ${Buffer.from(`${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`).toString('base64')}`;
    parsed.username = '';
    parsed.password = '';
    this.base = parsed.toString().replace(/\/+$/, '');
  }

  /** Queue, binding, user and permissions; a password for a new user, or a new one when `rotatePassword`. */
  async provision(partnerId: string, options: { rotatePassword?: boolean } = {}): Promise<ProvisionedFeed> {
    const queue = partnerQueueName(partnerId);
    const user = partnerUserName(partnerId);
    await this.call('PUT', `/queues/${this.v}/${enc(queue)}`, { durable: true, auto_delete: false, arguments: PARTNER_QUEUE_ARGUMENTS });
    // A binding with the same key and arguments exists once: adding it again changes nothing.
    await this.call('POST', `/bindings/${this.v}/e/${enc(PARTNERS_EXCHANGE)}/q/${enc(queue)}`, {
      routing_key: '',
      arguments: partnerBindingArguments(partnerId),
    });
    const exists = (await this.call('GET', `/users/${enc(user)}`, undefined, [404])) !== undefined;
    let password: string | undefined;
    if (!exists || options.rotatePassword) {
      password = randomBytes(24).toString('base64url');
      // No tags: the user cannot log into the management UI or API.
      await this.call('PUT', `/users/${enc(user)}`, { password, tags: '' });
    }
    await this.call('PUT', `/permissions/${this.v}/${enc(user)}`, partnerPermissions(partnerId));
    return { user, queue, vhost: this.vhost, ...(password ? { password } : {}) };
  }

  async state(partnerId: string): Promise<PartnerFeedState> {
    const queueName = partnerQueueName(partnerId);
    const userName = partnerUserName(partnerId);
    const [queue, bindings, user, permissions] = await Promise.all([
      this.call('GET', `/queues/${this.v}/${enc(queueName)}`, undefined, [404]) as Promise<Record<string, unknown> | undefined>,
      this.call('GET', `/bindings/${this.v}/e/${enc(PARTNERS_EXCHANGE)}/q/${enc(queueName)}`, undefined, [404]) as Promise<
        Array<{ arguments?: Record<string, unknown> }> | undefined
      >,
      this.call('GET', `/users/${enc(userName)}`, undefined, [404]),
      this.call('GET', `/permissions/${this.v}/${enc(userName)}`, undefined, [404]) as Promise<Record<string, string> | undefined>,
    ]);
    const wanted = partnerBindingArguments(partnerId);
    return {
      vhost: this.vhost,
      queue: queue
        ? {
            name: queueName,
            messages: Number(queue.messages ?? 0),
            consumers: Number(queue.consumers ?? 0),
            arguments: (queue.arguments as Record<string, unknown>) ?? {},
          }
        : null,
      bound: (bindings ?? []).some((b) => Object.entries(wanted).every(([k, v]) => b.arguments?.[k] === v)),
      user: {
        name: userName,
        exists: user !== undefined,
        permissions: permissions ? { configure: permissions.configure, write: permissions.write, read: permissions.read } : null,
      },
    };
  }

  private get v(): string {
    return enc(this.vhost);
  }

  /** One call; `absent` statuses answer undefined (a 404 of something not provisioned yet). */
  private async call(method: string, path: string, body?: unknown, absent: number[] = []): Promise<unknown> {
    let res: Response;
    try {
      res = await fetch(`${this.base}/api${path}`, {
        method,
        headers: { authorization: this.authorization, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw unavailable(`${method} ${path} failed: ${(err as Error).message}`);
    }
    if (absent.includes(res.status)) return undefined;
    if (res.status === 401 || res.status === 403)
      throw unavailable(`${method} ${path} was refused (${res.status}): check the credentials of RABBITMQ_MANAGEMENT_URL`);
    // 400: the broker refuses what we ask (a queue that exists with other arguments): asking again cannot help.
    if (res.status === 400) throw conflict(`RabbitMQ refused ${method} ${path}: ${(await res.text()).slice(0, 300)}`);
    if (res.status >= 400) throw unavailable(`${method} ${path} answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
    const text = await res.text();
    return text ? JSON.parse(text) : null;
  }
}

/** One path segment of the management API: the default vhost `/` is `%2F`. */
const enc = (value: string) => encodeURIComponent(value);

/** The vhost an AMQP URL names: its path, `/` when it has none. */
export function vhostOf(amqpUrl: string): string {
  const path = new URL(amqpUrl).pathname.replace(/^\//, '');
  return path ? decodeURIComponent(path) : '/';
}
