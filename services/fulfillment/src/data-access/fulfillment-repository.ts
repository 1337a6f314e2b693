import type { FulfillmentDoc, FulfillmentModel } from './fulfillment-model';

/** The store's bookkeeping, which no reader needs. */
const HIDDEN = { outbox: 0, processed: 0, sent: 0 } as const;

/** The reads of fulfillments; every change goes through the fulfillments' AggregateStore. */
export class FulfillmentRepository {
  constructor(readonly model: FulfillmentModel) {}

  /** An order's fulfillments, by location. */
  ofOrder(orderId: string): Promise<FulfillmentDoc[]> {
    return this.model.find({ orderId }, HIDDEN).sort({ locationId: 1 }).lean<FulfillmentDoc[]>().exec();
  }

  byId(id: string): Promise<FulfillmentDoc | null> {
    return this.model.findById(id, HIDDEN).lean<FulfillmentDoc>().exec();
  }

  /**
   * The fulfillments a cancel of the order may change: the open ones, and those `messageId` changed already,
   * so that a redelivery of the cancel still publishes what their change stored.
   */
  async cancelCandidates(orderId: string, messageId: string): Promise<string[]> {
    const docs = await this.model
      .find({ orderId, $or: [{ status: 'open' }, { processed: messageId }] }, { _id: 1 })
      .sort({ locationId: 1 })
      .lean<Array<{ _id: string }>>();
    return docs.map((d) => d._id);
  }
}
