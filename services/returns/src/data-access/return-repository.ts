import type { Model } from 'mongoose';
import type { SkuQuantity } from '../domain/return-lines';
import type { ReturnDoc } from './return-model';

/** The store's bookkeeping, which no reader needs. */
const HIDDEN = { outbox: 0, processed: 0, sent: 0 } as const;

/** The reads of returns; every change goes through the returns' AggregateStore. */
export class ReturnRepository {
  constructor(readonly model: Model<ReturnDoc>) {}

  /** An order's returns, in the order they were opened. */
  ofOrder(orderId: string): Promise<ReturnDoc[]> {
    return this.model.find({ orderId }, HIDDEN).sort({ createdAt: 1 }).lean<ReturnDoc[]>().exec();
  }

  byId(id: string): Promise<ReturnDoc | null> {
    return this.model.findById(id, HIDDEN).lean<ReturnDoc>().exec();
  }

  /** Every line the order's returns asked for so far. */
  /** The return of the order that refunds its shipping, if one does (there is at most one). */
  async shippingRefundedBy(orderId: string): Promise<string | undefined> {
    const returns = await this.model.find({ orderId }, { refundShipping: 1 }).lean<Array<Pick<ReturnDoc, '_id' | 'refundShipping'>>>();
    return returns.find((r) => r.refundShipping)?._id as string | undefined;
  }

  async linesRequested(orderId: string): Promise<SkuQuantity[]> {
    const returns = await this.model.find({ orderId }, { lines: 1 }).lean<Array<Pick<ReturnDoc, 'lines'>>>();
    return returns.flatMap((r) => r.lines);
  }
}
