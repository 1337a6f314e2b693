import type { Logger } from '@oms/logging';

/**
 * A sweep that runs `pass` every `intervalMs`, one pass at a time (a tick during a pass is skipped), in
 * every replica: the passes send commands the owning aggregates handle once, so several replicas sweeping
 * do no harm. A failed pass is logged and the next one tries again. `stop` waits for a pass under way.
 */
export class PeriodicPass {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly name: string,
    private readonly pass: () => Promise<void>,
    private readonly logger: Logger,
  ) {}

  start(intervalMs: number): void {
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.pass()
        .catch((err) => this.logger.warn({ err: (err as Error).message, sweep: this.name }, `${this.name} failed; the next pass retries`))
        .finally(() => (this.running = undefined));
    }, intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
