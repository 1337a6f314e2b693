import type { Logger } from '@oms/logging';
import { sweepExpiringAuthorizations, type ReauthorizationSweepDeps } from '../../application/reauthorize-payment';

/** Every `intervalMs`, asks to renew the authorizations that expire within `beforeMs` (reauthorize-payment.ts). */
export class ReauthorizationSweep {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly deps: ReauthorizationSweepDeps,
    private readonly beforeMs: number,
    private readonly logger: Logger,
  ) {}

  start(intervalMs: number): void {
    this.timer = setInterval(() => {
      if (this.running) return; // one pass at a time
      this.running = this.pass().finally(() => (this.running = undefined));
    }, intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  private async pass(): Promise<void> {
    try {
      const sent = await sweepExpiringAuthorizations(this.deps, this.beforeMs);
      if (sent > 0) this.logger.info({ sent }, 'authorizations about to expire: renewal asked for');
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 're-authorization sweep failed; the next one retries');
    }
  }
}
