import type { Logger } from '@oms/logging';
import type { BackorderNotice, InventoryDeps } from '../../application/inventory-deps';
import { serveBackorders } from '../../application/serve-backorders';

/**
 * Serves backorders (serve-backorders.ts): soon after stock arrives (a receipt, a return, a released
 * reservation) and every `intervalMs`, in case an instance stopped before its pass. One pass at a time;
 * a request during a pass runs one more after it, since the stock that pass saw may be out of date.
 */
export class BackorderTimer implements BackorderNotice {
  private running?: Promise<void>;
  private again = false;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly deps: InventoryDeps,
    private readonly logger: Logger,
  ) {}

  serveSoon(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.pass().catch((err) => this.logger.warn({ err: (err as Error).message }, 'backorder pass failed; the next one retries'));
      } while (this.again);
    })().finally(() => (this.running = undefined));
  }

  start(intervalMs: number): void {
    this.timer = setInterval(() => this.serveSoon(), intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  private async pass(): Promise<void> {
    const { served, waiting } = await serveBackorders(this.deps);
    if (served > 0) this.logger.info({ served, waiting }, 'backorders served');
  }
}
