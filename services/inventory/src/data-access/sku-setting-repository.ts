import type { Model } from 'mongoose';
import type { SkuSettingDoc } from './sku-setting-model';

/** Per-SKU settings: lead time and substitutes (short orders read substitutes through ShortageFacts). */
export class SkuSettingRepository {
  constructor(readonly model: Model<SkuSettingDoc>) {}

  byId(sku: string): Promise<SkuSettingDoc | null> {
    return this.model.findById(sku).lean<SkuSettingDoc>().exec();
  }

  /** The lead time of every SKU with settings, or only of one. */
  leadTimes(only?: string): Promise<Array<Pick<SkuSettingDoc, '_id' | 'leadTimeDays'>>> {
    return this.model
      .find(only ? { _id: only } : {}, { leadTimeDays: 1 })
      .lean<Array<Pick<SkuSettingDoc, '_id' | 'leadTimeDays'>>>()
      .exec();
  }

  /** Creates the SKU's settings or replaces both figures. */
  async upsert(sku: string, leadTimeDays: number, substitutes: string[]): Promise<void> {
    await this.model.updateOne({ _id: sku }, { $set: { leadTimeDays, substitutes } }, { upsert: true });
  }
}
