import { Schema, type Connection } from 'mongoose';

/** Planning figures of one SKU at one location. */
export interface StockSettingDoc {
  _id: string;
  sku: string;
  locationId: string;
  safetyStock: number;
  reorderPoint: number;
  updatedAt: Date;
}

const stockSettingSchema = new Schema<StockSettingDoc>(
  {
    _id: { type: String },
    sku: { type: String, required: true },
    locationId: { type: String, required: true },
    safetyStock: { type: Number, default: 0 },
    reorderPoint: { type: Number, default: 0 },
  },
  { versionKey: false, timestamps: { createdAt: false, updatedAt: true } },
);

/** The settings of a SKU at a location have one document, named by both. */
export const stockSettingId = (sku: string, locationId: string) => `${sku}|${locationId}`;

export const stockSettingModel = (db: Connection) => db.model<StockSettingDoc>('StockSetting', stockSettingSchema);
