import { Schema, type Connection, type Model } from 'mongoose';
import { isDuplicateKeyError } from '@oms/mongo';

/**
 * The days (UTC, of `createdAt`) on which orders were created: one insert-only document per day, written
 * before the first order of that day is stored. The order list walks these days one at a time
 * (docs/orders-list.md): each day's orders are found by an equality on the order's `createdDay`, which
 * FerretDB 1.x pushes down to PostgreSQL, so a page costs what one or a few days hold, however long the
 * history. Insert-only with a unique `_id`, so concurrent writers never lose one (docs/consistency.md).
 */
interface OrderDayDocument {
  _id: string;
  kind: 'day' | 'marker';
  day?: string;
}

const orderDaySchema = new Schema<OrderDayDocument>({ _id: String, kind: { type: String, required: true }, day: String }, { versionKey: false });
// Every read is by kind (an equality FerretDB pushes down; the index gets its GIN twin on the test stack).
orderDaySchema.index({ kind: 1 });

/** `2026-12-05` for `2026-12-05T10:23:19.000Z` (or any date string Date can read), in UTC. */
export const dayOf = (timestamp: string) => new Date(timestamp).toISOString().slice(0, 10);

export class OrderDays {
  /** Days this process has written or seen written: the hot path writes each day once per process. */
  private readonly known = new Set<string>();
  readonly model: Model<OrderDayDocument>;

  constructor(db: Connection) {
    this.model = db.model<OrderDayDocument>('OrderDay', orderDaySchema, 'order_days');
  }

  /** Record that orders exist on `day`; call it before storing an order created that day. */
  async note(day: string): Promise<void> {
    if (this.known.has(day)) return;
    await this.insertOnce({ _id: `day:${day}`, kind: 'day', day });
    this.known.add(day);
  }

  /** Every day with orders, oldest first. A few thousand small documents at most (one per day). */
  async all(): Promise<string[]> {
    const docs = await this.model.find({ kind: 'day' }, { day: 1 }).lean();
    return docs.map((d) => d.day as string).sort();
  }

  /** One-off work done (a backfill): remembered across restarts. */
  async isDone(marker: string): Promise<boolean> {
    return (await this.model.findById(`marker:${marker}`).lean()) !== null;
  }

  async markDone(marker: string): Promise<void> {
    await this.insertOnce({ _id: `marker:${marker}`, kind: 'marker' });
  }

  /** Insert-only: a document another writer stored first is the same document. */
  private async insertOnce(doc: OrderDayDocument): Promise<void> {
    try {
      await this.model.create(doc);
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
    }
  }
}
