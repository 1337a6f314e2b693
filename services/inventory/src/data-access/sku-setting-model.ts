import { Schema, type Connection } from 'mongoose';

/** Per-SKU settings: supplier lead time and the substitutes offered when it is short. */
export interface SkuSettingDoc {
  _id: string;
  leadTimeDays: number;
  substitutes: string[];
  updatedAt: Date;
}

const skuSettingSchema = new Schema<SkuSettingDoc>(
  { _id: { type: String }, leadTimeDays: { type: Number, default: 0 }, substitutes: { type: [String], default: [] } },
  { versionKey: false, timestamps: { createdAt: false, updatedAt: true } },
);

export const skuSettingModel = (db: Connection) => db.model<SkuSettingDoc>('SkuSetting', skuSettingSchema);
