import type { Model } from 'mongoose';
import { isDuplicateKeyError } from '@oms/mongo';
import type { OutboxEntry } from '@oms/outbox';
import type { StockAlertDoc } from './stock-alert-model';

/** Alert documents: insert-only, one per stock.low.v1 event, carried out by the durable outbox. */
export class StockAlertRepository {
  constructor(readonly model: Model<StockAlertDoc>) {}

  /** The alert of one event, named by the event's id; one already there (a repeat of its cause) counts as done. */
  async insertOnce(event: OutboxEntry): Promise<void> {
    try {
      await this.model.create({ _id: event.id, outbox: [event] });
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
    }
  }
}
