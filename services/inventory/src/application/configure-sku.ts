import type { Message } from '@oms/messaging';
import { checkSubstitutes } from '../domain/sku-settings';
import { settingsLock } from '../data-access/lock-keys';
import type { InventoryDeps } from './inventory-deps';

/** Supplier lead time and substitutes of a SKU. */
export async function configureSku({ locks, skuSettings }: InventoryDeps, msg: Message<'sku.configure.v1'>) {
  const { sku, leadTimeDays, substitutes } = msg.data;
  checkSubstitutes(sku, substitutes);
  await locks.withLock(settingsLock(sku), () => skuSettings.upsert(sku, leadTimeDays, substitutes));
  return { sku, leadTimeDays, substitutes };
}
