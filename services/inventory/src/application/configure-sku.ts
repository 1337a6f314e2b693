import type { Message } from '@oms/messaging';
import { checkSubstitutes } from '../domain/sku-settings';
import { settingsLock } from '../data-access/lock-keys';
import type { InventoryDeps } from './inventory-deps';

/** Supplier lead time and substitutes of a SKU. */
export async function configureSku({ locks, models }: InventoryDeps, msg: Message<'sku.configure.v1'>) {
  const { sku, leadTimeDays, substitutes } = msg.data;
  checkSubstitutes(sku, substitutes);
  await locks.withLock(settingsLock(sku), () => models.SkuSettings.updateOne({ _id: sku }, { $set: { leadTimeDays, substitutes } }, { upsert: true }));
  return { sku, leadTimeDays, substitutes };
}
