import type { Message } from '@oms/messaging';
import { unknownLocation } from '../domain/location';
import { settingsLock } from '../data-access/lock-keys';
import type { InventoryDeps } from './inventory-deps';

/** Safety stock and reorder point of a SKU at a location: stored, then applied to the counters. */
export async function setStockLevels({ locks, locations, stockSettings, counters }: InventoryDeps, msg: Message<'stock.set-levels.v1'>) {
  const { sku, locationId, safetyStock, reorderPoint } = msg.data;
  if (!(await locations.exists(locationId))) throw unknownLocation(locationId);
  await locks.withLock(settingsLock(sku, locationId), async () => {
    await stockSettings.upsert(sku, locationId, safetyStock, reorderPoint);
    await counters.setLevels(sku, locationId, safetyStock, reorderPoint);
  });
  return { sku, locationId, safetyStock, reorderPoint };
}
