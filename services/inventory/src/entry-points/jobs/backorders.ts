import type { Logger } from '@oms/logging';
import { deterministicId } from '@oms/messaging';
import { withReservationLock } from '../../data-access/lock-keys';
import type { ReservationDoc } from '../../data-access/models';
import { lowStockEvents } from '../../data-access/stock-alerts';
import type { HandlerDeps } from '../messages/deps';
import { attemptReservation } from '../messages/reservation-attempt';

/** How many queued orders one pass looks at (oldest first). */
const PASS_SIZE = 500;

/**
 * Backorders, served first in, first out: oldest first, and per SKU strictly in order, so once an older
 * backorder cannot be served, no younger one takes that SKU's stock ahead of it. A pass runs soon after
 * stock arrives (a receipt, a return, a released reservation) and every `intervalMs` in case an instance
 * stopped before its pass.
 */
export class BackorderQueue {
  private running?: Promise<void>;
  private again = false;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly deps: HandlerDeps,
    private readonly logger: Logger,
  ) {}

  /** Run a pass now, or once more after the one under way (the stock it saw may be out of date). */
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

  /** One pass over the queue; resolves with how many backorders were reserved. */
  async pass(): Promise<number> {
    const { models } = this.deps;
    const queue = await models.Reservations.find({ status: 'backordered' }, { request: 1, queuedAt: 1 })
      .sort({ queuedAt: 1, _id: 1 })
      .limit(PASS_SIZE)
      .lean<Array<Pick<ReservationDoc, '_id' | 'request' | 'queuedAt'>>>();
    const blocked = new Set<string>();
    let served = 0;
    for (const backorder of queue) {
      const skus = backorder.request!.lines.map((l) => l.sku);
      if (skus.some((sku) => blocked.has(sku))) continue;
      if (await this.serve(backorder._id)) served++;
      else for (const sku of skus) blocked.add(sku);
    }
    if (served > 0) this.logger.info({ served, waiting: queue.length - served }, 'backorders served');
    return served;
  }

  /** Reserve one backorder if its stock is there now. */
  private serve(orderId: string): Promise<boolean> {
    const { models, outbox, counters, locks } = this.deps;
    return withReservationLock(locks, orderId, async () => {
      const current = await models.Reservations.findById(orderId, { status: 1, request: 1 }).lean<Pick<ReservationDoc, 'status' | 'request'>>();
      if (current?.status !== 'backordered') return true; // released or served meanwhile
      const attempt = await attemptReservation(this.deps, orderId, current.request!);
      if (!attempt.taken) return false;
      counters.assertFresh(attempt.startedAt);
      const reason = `backorder served first in, first out: ${attempt.reason}`;
      const meta = { correlationId: orderId, causationId: deterministicId(orderId, 'backorder') };
      const event = outbox.entry('stock.reserved.v1', { orderId, lines: attempt.lines, reason }, { ...meta, id: deterministicId(orderId, 'stock.reserved.v1', 'backorder') });
      const pending = [event, ...lowStockEvents(outbox, attempt.low, meta.causationId, orderId)];
      await models.Reservations.updateOne({ _id: orderId }, { $set: { status: 'active', lines: attempt.lines, reason }, $push: { outbox: { $each: pending } } });
      await outbox.flush(models.Reservations, orderId);
      return true;
    });
  }
}
