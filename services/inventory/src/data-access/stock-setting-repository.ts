import type { Model } from 'mongoose';
import { stockSettingId, type StockSettingDoc } from './stock-setting-model';

/** Safety stock and reorder point per SKU and location (the counters in Redis carry them too). */
export class StockSettingRepository {
  constructor(readonly model: Model<StockSettingDoc>) {}

  /** Every SKU and location with settings, and its reorder point (every document, read whole). */
  reorderPoints(): Promise<Array<Pick<StockSettingDoc, '_id' | 'sku' | 'locationId' | 'reorderPoint'>>> {
    return this.model
      .find({}, { sku: 1, locationId: 1, reorderPoint: 1 })
      .lean<Array<Pick<StockSettingDoc, '_id' | 'sku' | 'locationId' | 'reorderPoint'>>>()
      .exec();
  }

  /** Creates the settings of the SKU at the location or replaces both figures. */
  async upsert(sku: string, locationId: string, safetyStock: number, reorderPoint: number): Promise<void> {
    await this.model.updateOne({ _id: stockSettingId(sku, locationId) }, { $set: { sku, locationId, safetyStock, reorderPoint } }, { upsert: true });
  }
}
