import type { Model } from 'mongoose';
import { isDuplicateKeyError } from '@oms/mongo';
import type { MovementDoc } from './movement-model';

/** The insert-only stock ledger. */
export class MovementRepository {
  constructor(readonly model: Model<MovementDoc>) {}

  /**
   * Insert ledger entries whose ids are deterministic; an entry already there (a redelivery, or a crash
   * half-way through) counts as done.
   */
  async insertOnce(movements: MovementDoc[]): Promise<void> {
    if (movements.length === 0) return;
    try {
      await this.model.insertMany(movements, { ordered: false });
    } catch (err) {
      const writeErrors = (err as { writeErrors?: Array<{ code?: number; err?: { code?: number } }> }).writeErrors;
      const onlyDuplicates = isDuplicateKeyError(err) && (writeErrors ?? []).every((e) => (e.code ?? e.err?.code) === 11000);
      if (!onlyDuplicates) throw err;
    }
  }

  /**
   * The ledger entries with these ids, in the order of the ids. One lookup per id rather than `$in`: FerretDB
   * (development and CI) serves only equality on `_id` from an index, and the ledger only grows.
   */
  async byIds(ids: string[]): Promise<MovementDoc[]> {
    const found = await Promise.all(ids.map((id) => this.model.findById(id).lean<MovementDoc>()));
    return found.filter((m): m is MovementDoc => m !== null && m !== undefined);
  }

  /** The picks (sales) since a moment, of every SKU or only one: SKU and quantity (negative) each. */
  picksSince(since: Date, only?: string): Promise<Array<Pick<MovementDoc, 'sku' | 'quantity'>>> {
    return this.model
      .find({ type: 'pick', at: { $gte: since }, ...(only ? { sku: only } : {}) }, { sku: 1, quantity: 1 })
      .lean<Array<Pick<MovementDoc, 'sku' | 'quantity'>>>()
      .exec();
  }

  /** The newest 500 entries of a SKU's ledger, newest first. */
  newestOf(sku: string): Promise<MovementDoc[]> {
    return this.model.find({ sku }).sort({ at: -1, _id: 1 }).limit(500).lean<MovementDoc[]>().exec();
  }
}
