import { Schema, type Connection, type Model } from 'mongoose';
import { UNASSIGNED_BIN } from '../domain/pick-list';

/** Where a SKU is stored at a location: one document per location and SKU, replaced whole on every set. */
export interface BinDoc {
  _id: string;
  locationId: string;
  sku: string;
  bin: string;
  updatedAt: Date;
  updatedBy: string;
}

const binSchema = new Schema<BinDoc>(
  {
    _id: { type: String },
    locationId: { type: String, required: true },
    sku: { type: String, required: true },
    bin: { type: String, required: true },
    updatedAt: { type: Date, required: true },
    updatedBy: { type: String, required: true },
  },
  { versionKey: false, collection: 'bins' },
);

const binId = (locationId: string, sku: string) => `${locationId}|${sku}`;

/** The bins of SKUs at locations: set by ops or the location's staff, read by the pick lists. */
export class BinRepository {
  readonly model: Model<BinDoc>;

  constructor(db: Connection) {
    this.model = db.model<BinDoc>('Bin', binSchema);
  }

  /** Replace the bins of these SKUs at the location in one round trip (a repeat writes the same again). */
  async setAll(locationId: string, bins: Array<{ sku: string; bin: string }>, actor: string): Promise<void> {
    const now = new Date();
    await this.model.bulkWrite(
      bins.map(({ sku, bin }) => ({
        replaceOne: {
          filter: { _id: binId(locationId, sku) },
          replacement: { _id: binId(locationId, sku), locationId, sku, bin, updatedAt: now, updatedBy: actor },
          upsert: true,
        },
      })),
      { ordered: false },
    );
  }

  /** The bin of each SKU at the location (an `_id` equality each), UNASSIGNED_BIN for a SKU without one. */
  async binsOf(locationId: string, skus: string[]): Promise<(sku: string) => string> {
    const unique = [...new Set(skus)];
    const docs = await Promise.all(unique.map((sku) => this.model.findById(binId(locationId, sku), { bin: 1, sku: 1 }).lean<BinDoc>()));
    const bins = new Map(docs.filter((d): d is BinDoc => d !== null).map((d) => [d.sku, d.bin]));
    return (sku) => bins.get(sku) ?? UNASSIGNED_BIN;
  }
}
