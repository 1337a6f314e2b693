import { Schema, type Connection, type Model } from 'mongoose';
import { isDuplicateKeyError } from '@oms/mongo';
import type { Fact, OrderFact } from '../domain/facts';

/**
 * The facts, insert-only: one document per business event with a deterministic `_id` (domain/facts.ts), so
 * no two writers ever update one document (a lost update on FerretDB 1.x cannot happen to an insert), and a
 * redelivered event is a duplicate key. Read by `_id` or by `day`, equalities FerretDB pushes down.
 */
const factSchema = new Schema<Fact>(
  { _id: String, kind: { type: String, required: true }, day: { type: String, required: true }, week: { type: String, required: true } },
  // The other fields are the fact's kind's (domain/facts.ts): stored as built.
  { versionKey: false, collection: 'facts', strict: false },
);
factSchema.index({ day: 1 });

export class FactRepository {
  readonly model: Model<Fact>;

  constructor(db: Connection) {
    this.model = db.model<Fact>('Fact', factSchema);
  }

  /** `stored`, or `duplicate` when the fact is there already (the event was seen before). */
  async insert(fact: Fact): Promise<'stored' | 'duplicate'> {
    try {
      await this.model.collection.insertOne(fact as never);
      return 'stored';
    } catch (err) {
      if (isDuplicateKeyError(err)) return 'duplicate';
      throw err;
    }
  }

  /** Every fact of a day, of every kind: one equality query. */
  ofDay(day: string): Promise<Fact[]> {
    return this.model.find({ day }).lean<Fact[]>().exec();
  }

  countOfDay(day: string): Promise<number> {
    return this.model.countDocuments({ day }).exec();
  }

  async order(id: string): Promise<OrderFact | undefined> {
    return (await this.model.findById(id).lean<OrderFact>().exec()) ?? undefined;
  }
}
