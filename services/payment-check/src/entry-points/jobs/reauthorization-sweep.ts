import type { Logger } from '@oms/logging';
import type { Broker } from '@oms/messaging';
import { sweepExpiringAuthorizations } from '../../application/reauthorize-payment';
import type { PaymentCheckRepository } from '../../data-access/payment-check-repository';

/** Every `intervalMs`, asks to renew the authorizations that expire within `beforeMs` (reauthorize-payment.ts). */
export class ReauthorizationSweep {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly deps: { checks: PaymentCheckRepository; broker: Broker },
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
