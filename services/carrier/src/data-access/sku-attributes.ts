import { Schema, type Connection, type Model } from 'mongoose';
import type { SkuAttributes } from '@oms/contracts';

/** A SKU's shipping attributes, as ops last set them (one document per SKU; each set replaces it whole). */
export interface SkuAttributesDoc extends SkuAttributes {
  _id: string;
  updatedAt: Date;
  updatedBy: string;
}

const skuAttributesSchema = new Schema<SkuAttributesDoc>(
  {
    _id: { type: String },
    weightGrams: { type: Number },
    dimensions: { type: Schema.Types.Mixed },
    hazmat: { type: Boolean, default: false },
    shipsAlone: { type: Boolean, default: false },
    updatedAt: { type: Date, required: true },
    updatedBy: { type: String, required: true },
  },
  { versionKey: false, collection: 'sku_attributes' },
);

export const skuAttributesModel = (db: Connection): Model<SkuAttributesDoc> => db.model<SkuAttributesDoc>('SkuAttributes', skuAttributesSchema);

export const toSkuAttributesView = (d: SkuAttributesDoc) => ({
  sku: d._id,
  ...(d.weightGrams ? { weightGrams: d.weightGrams } : {}),
  ...(d.dimensions ? { dimensions: d.dimensions } : {}),
  hazmat: d.hazmat ?? false,
  shipsAlone: d.shipsAlone ?? false,
  updatedAt: new Date(d.updatedAt).toISOString(),
});

/** The reads and writes of SKU attributes: plain documents, each write a whole replacement (no read-modify-write to lose). */
export class SkuAttributesRepository {
  constructor(readonly model: Model<SkuAttributesDoc>) {}

  /** Replace the attributes of these SKUs in one round trip; a repeat writes the same again. */
  async setAll(items: Array<SkuAttributes & { sku: string }>, actor: string): Promise<void> {
    const now = new Date();
    await this.model.bulkWrite(
      items.map(({ sku, ...attributes }) => ({
        replaceOne: { filter: { _id: sku }, replacement: { _id: sku, ...attributes, updatedAt: now, updatedBy: actor }, upsert: true },
      })),
      { ordered: false },
    );
  }

  byId(sku: string): Promise<SkuAttributesDoc | null> {
    return this.model.findById(sku).lean<SkuAttributesDoc>().exec();
  }

  /** The attributes of the SKUs of a parcel (equality on `_id` each: a handful per booking). */
  async of(skus: string[]): Promise<Map<string, SkuAttributesDoc>> {
    const unique = [...new Set(skus)];
    const docs = await Promise.all(unique.map((sku) => this.byId(sku)));
    return new Map(docs.filter((d): d is SkuAttributesDoc => d !== null).map((d) => [d._id, d]));
  }
}
