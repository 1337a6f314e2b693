import type { Logger } from '@oms/logging';
import { expirePrepayments, type PrepaymentExpiryDeps } from '../../application/expire-prepayments';

/** Every `intervalMs`, cancels the prepayment orders whose transfer did not come in time (expire-prepayments.ts). */
export class PrepaymentExpiry {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly deps: PrepaymentExpiryDeps,
    private readonly days: number,
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
      const cancelled = await expirePrepayments(this.deps, this.days);
      if (cancelled > 0) this.logger.info({ cancelled, days: this.days }, 'prepayment orders without payment cancelled');
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'prepayment expiry pass failed; the next one retries');
    }
  }
}
