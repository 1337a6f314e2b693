import type { Logger } from '@oms/logging';
import { isTransientError } from '@oms/messaging';

/** One dependency of a service (the store, Redis, the broker), as the gate looks at it. */
export interface DependencyProbe {
  name: string;
  /** The client's own view, no I/O: checked every interval while all is well; false triggers a ping. */
  connected: () => boolean;
  /** A round trip (ping): made while the dependency is thought down, and after a handler failed. */
  ping: () => Promise<unknown>;
}

export interface DependencyGateOptions {
  logger: Logger;
  /** How often the state is looked at (passively while up, with pings while down). */
  checkEveryMs: number;
  /** A ping slower than this counts as failed. */
  pingTimeoutMs: number;
  /** Called once when a dependency goes down (consumers pause), and once when all are back (they resume). */
  onDown: () => Promise<void>;
  onUp: () => Promise<void>;
}

/**
 * Knows whether every dependency of the service answers, and stops message consumption while one does not:
 * a message taken while the store or Redis is down can only fail, and retrying it over and over would
 * dead-letter it long before the dependency is back. While down, the consumers are paused (their
 * messages wait in their queues) and readiness is red; once every ping succeeds again they resume.
 *
 * It learns of an outage from the clients' own state (a closed Redis socket, a disconnected driver, a lost
 * broker connection) and from handler failures (`classify`), which trigger an immediate round of pings.
 */
export class DependencyGate {
  private readonly down = new Set<string>();
  private checking?: Promise<boolean>;
  private timer?: NodeJS.Timeout;
  /** Transitions run one after the other (pause, then resume), never interleaved. */
  private transitions: Promise<void> = Promise.resolve();

  constructor(
    private readonly probes: DependencyProbe[],
    private readonly options: DependencyGateOptions,
  ) {}

  get healthy(): boolean {
    return this.down.size === 0;
  }

  /** Whether `name` answered at the last check (readiness). */
  isUp(name: string): boolean {
    return !this.down.has(name);
  }

  start(): void {
    this.timer = setInterval(() => {
      if (!this.healthy || this.probes.some((p) => !p.connected())) void this.check();
    }, this.options.checkEveryMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /**
   * Whether a handler's failure is transient: an error that says so itself (isTransientError), or any
   * other error while a dependency does not answer (FerretDB with its PostgreSQL gone answers with plain
   * server errors, for example). Either way the dependencies are pinged now, which pauses consuming when
   * one is down. A handler bug, with every dependency answering, is not transient: it is retried a bounded
   * number of times, then dead-lettered.
   */
  async classify(err: unknown): Promise<boolean> {
    // Awaited either way, so that `healthy` is up to date when the consumer asks whether this is an outage.
    const answered = await this.check();
    return isTransientError(err) || !answered;
  }

  /** Ping every dependency now (one round at a time; callers meanwhile share it). True when all answered. */
  check(): Promise<boolean> {
    this.checking ??= this.pingAll().finally(() => (this.checking = undefined));
    return this.checking;
  }

  private async pingAll(): Promise<boolean> {
    // The answer to a ping decides, not the client's own state: a driver may report itself disconnected
    // for seconds after the server is back (until its next heartbeat) while operations already succeed.
    const results = await Promise.all(this.probes.map(async (p) => ({ name: p.name, ok: await this.ping(p) })));
    const wasHealthy = this.healthy;
    for (const { name, ok } of results) {
      if (ok) this.down.delete(name);
      else this.down.add(name);
    }
    if (wasHealthy && !this.healthy) {
      this.options.logger.warn({ down: [...this.down] }, 'dependency down: consuming paused');
      this.transition(this.options.onDown);
    } else if (!wasHealthy && this.healthy) {
      this.options.logger.info('dependencies back: consuming resumed');
      this.transition(this.options.onUp);
    }
    return this.healthy;
  }

  private async ping(probe: DependencyProbe): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), this.options.pingTimeoutMs)));
    try {
      return await Promise.race([probe.ping().then(() => true), timeout]);
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  private transition(step: () => Promise<void>): void {
    this.transitions = this.transitions
      .then(step)
      .catch((err) => this.options.logger.warn({ err: (err as Error).message }, 'pausing or resuming consumers failed'));
  }
}
