import type { Envelope } from '@oms/contracts';
import type { OrderChange, OrderState } from '../domain/order';
import type { OrderModel } from './order-model';

const HIDDEN = { processed: 0, outbox: 0 } as const;

export function toState(doc: Record<string, any>): OrderState {
  const { _id, processed: _p, outbox: _o, updatedAt: _u, ...rest } = doc;
  return { id: _id, ...rest } as OrderState;
}

/** The order as clients see it. */
export function toView(doc: Record<string, any>) {
  const { _id, processed: _p, outbox: _o, ...rest } = doc;
  return { id: _id, ...rest };
}

export class OrderRepository {
  constructor(readonly model: OrderModel) {}

  async find(id: string): Promise<(OrderState & { processed: string[] }) | null> {
    const doc = await this.model.findById(id).lean();
    return doc ? { ...toState(doc), processed: (doc.processed as string[]) ?? [] } : null;
  }

  async view(id: string) {
    const doc = await this.model.findById(id, HIDDEN).lean();
    return doc ? toView(doc) : null;
  }

  async insert(state: OrderState, change: OrderChange, messageId: string, outbox: Envelope[]): Promise<void> {
    const { id, timeline, ...rest } = state;
    const now = new Date().toISOString();
    await this.model.create({ _id: id, ...rest, ...change.set, timeline: [...timeline, ...change.timeline], processed: [messageId], outbox, updatedAt: now });
  }

  /**
   * Apply one change in ONE document write: new fields, timeline entries, the processed message id and the
   * outbox entries together. The caller holds the order's lock (single writer), so fields computed from the
   * state it read are safe to `$set` on FerretDB as on MongoDB.
   */
  async apply(id: string, change: OrderChange, messageId: string, outbox: Envelope[]): Promise<void> {
    await this.model.updateOne(
      { _id: id },
      {
        $set: { ...change.set, updatedAt: new Date().toISOString() },
        $push: { timeline: { $each: change.timeline }, processed: messageId, outbox: { $each: outbox } },
      },
    );
  }
}
