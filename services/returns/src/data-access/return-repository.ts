import type { Model } from 'mongoose';
import { bucketsOf, inTimeOrder, nextTimeCursor, TimeBuckets, walkBuckets, type DayIndex, type TimeCursor } from '@oms/mongo';
import type { SkuQuantity } from '../domain/return-lines';
import type { ReturnStatus } from '../domain/return';
import type { ReturnDoc } from './return-model';

/** The store's bookkeeping, which no reader needs. */
const HIDDEN = { outbox: 0, processed: 0, sent: 0 } as const;

/** Set once every return stored before the list existed has its time buckets (listExistingReturns). */
export const LIST_BACKFILL_MARKER = 'returns-list-buckets';

export interface ReturnListQuery {
  status?: ReturnStatus;
  /** The cursor of the page before: the list goes on after it. */
  after?: TimeCursor;
  limit: number;
}

const keyOf = (r: ReturnDoc): TimeCursor => ({ at: new Date(r.createdAt).toISOString(), id: r._id });

/** The reads of returns; every change goes through the returns' AggregateStore. */
export class ReturnRepository {
  /** The list's time buckets (as the order list's, docs/orders-list.md): notes in `days`, kind `day` and finer. */
  private readonly buckets: TimeBuckets;

  constructor(
    readonly model: Model<ReturnDoc>,
    readonly days: DayIndex,
  ) {
    this.buckets = new TimeBuckets(days, 'day');
  }

  /**
   * Before a return created at `createdAt` is stored: its buckets are noted, so the list finds it, and the
   * fields to store with it. A noted bucket without returns (the store then failed) costs one empty read.
   */
  async listFieldsFor(createdAt: Date): Promise<Pick<ReturnDoc, 'createdBuckets'>> {
    await this.days.noteAll(this.buckets.notesFor(createdAt.toISOString()));
    return { createdBuckets: bucketsOf(createdAt) };
  }

  /**
   * One page of returns, newest first, with an optional status: each time bucket is one query of equalities
   * (`createdBuckets`, `status`) that FerretDB hands to PostgreSQL, so a page costs a few small queries however
   * long the history. The walk stops when the page is full or after its time budget (walkBuckets): a page may
   * then hold fewer than `limit` returns and still have a cursor.
   */
  async list(query: ReturnListQuery): Promise<{ items: ReturnDoc[]; nextCursor: string | null }> {
    const { status, after, limit } = query;
    const walk = await walkBuckets(this.buckets.toRead({ sort: 'desc', after }), limit, async (bucket, want) => {
      const found = await this.model
        .find({ createdBuckets: bucket, ...(status ? { status } : {}) }, HIDDEN)
        .lean<ReturnDoc[]>()
        .exec();
      return inTimeOrder(found, keyOf, { sort: 'desc', after }, want);
    });
    return { items: walk.items, nextCursor: nextTimeCursor(walk, 'desc', keyOf) };
  }

  /**
   * Once: returns stored before the list existed get their buckets (each set under the return's lock,
   * `locked`, as every change of a return is). One pass over the collection, at the first start after the update.
   */
  async listExistingReturns(locked: (id: string, work: () => Promise<unknown>) => Promise<unknown>): Promise<void> {
    if (await this.days.isDone(LIST_BACKFILL_MARKER)) return;
    for await (const doc of this.model.find({}, { _id: 1, createdAt: 1, createdBuckets: 1 }).lean<ReturnDoc>().cursor()) {
      if (doc.createdBuckets) continue;
      const fields = await this.listFieldsFor(new Date(doc.createdAt));
      await locked(doc._id, () => this.model.updateOne({ _id: doc._id }, { $set: fields }).exec());
    }
    await this.days.markDone(LIST_BACKFILL_MARKER);
  }

  /** An order's returns, in the order they were opened. */
  ofOrder(orderId: string): Promise<ReturnDoc[]> {
    return this.model.find({ orderId }, HIDDEN).sort({ createdAt: 1 }).lean<ReturnDoc[]>().exec();
  }

  byId(id: string): Promise<ReturnDoc | null> {
    return this.model.findById(id, HIDDEN).lean<ReturnDoc>().exec();
  }

  /** The return of the order that refunds its shipping, if one does (there is at most one). */
  async shippingRefundedBy(orderId: string): Promise<string | undefined> {
    const returns = await this.model.find({ orderId }, { refundShipping: 1 }).lean<Array<Pick<ReturnDoc, '_id' | 'refundShipping'>>>();
    return returns.find((r) => r.refundShipping)?._id as string | undefined;
  }

  /** Every line the order's returns asked for so far. */
  async linesRequested(orderId: string): Promise<SkuQuantity[]> {
    const returns = await this.model.find({ orderId }, { lines: 1 }).lean<Array<Pick<ReturnDoc, 'lines'>>>();
    return returns.flatMap((r) => r.lines);
  }
}
