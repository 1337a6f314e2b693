import type { Message } from '@oms/messaging';
import { unknownLocation } from '../domain/location';
import { incomingId } from '../data-access/incoming-model';
import { settingsLock } from '../data-access/lock-keys';
import type { InventoryDeps } from './inventory-deps';

/**
 * An expected receipt. The same reference, SKU and location again updates it (a changed date or
 * quantity); one already received stays received.
 */
export async function expectStock({ locks, models }: InventoryDeps, msg: Message<'stock.expect.v1'>) {
  const { sku, locationId, quantity, expectedAt, reference, actor } = msg.data;
  if (!(await models.Locations.exists({ _id: locationId }))) throw unknownLocation(locationId);
  const id = incomingId(reference, sku, locationId);
  await locks.withLock(settingsLock(sku, locationId), async () => {
    const existing = await models.Incoming.findById(id, { status: 1 }).lean();
    if (existing?.status === 'received') return;
    await models.Incoming.updateOne({ _id: id }, { $set: { sku, locationId, quantity, expectedAt, reference, actor, status: 'open' } }, { upsert: true });
  });
  const doc = (await models.Incoming.findById(id).lean())!;
  return { id, sku, locationId, quantity: doc.quantity, expectedAt: doc.expectedAt, reference, status: doc.status };
}
