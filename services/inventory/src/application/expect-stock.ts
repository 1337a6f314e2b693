import type { Message } from '@oms/messaging';
import { unknownLocation } from '../domain/location';
import { incomingId } from '../data-access/incoming-model';
import { settingsLock } from '../data-access/lock-keys';
import type { InventoryDeps } from './inventory-deps';

/**
 * An expected receipt. The same reference, SKU and location again updates it (a changed date or
 * quantity); one already received stays received.
 */
export async function expectStock({ locks, locations, incoming }: InventoryDeps, msg: Message<'stock.expect.v1'>) {
  const { sku, locationId, quantity, expectedAt, reference, actor } = msg.data;
  if (!(await locations.exists(locationId))) throw unknownLocation(locationId);
  const id = incomingId(reference, sku, locationId);
  await locks.withLock(settingsLock(sku, locationId), async () => {
    if ((await incoming.statusOf(id)) === 'received') return;
    await incoming.upsertOpen(id, { sku, locationId, quantity, expectedAt, reference, actor });
  });
  const doc = (await incoming.byId(id))!;
  return { id, sku, locationId, quantity: doc.quantity, expectedAt: doc.expectedAt, reference, status: doc.status };
}
