import type { Message } from '@oms/messaging';
import { canPickupByDefault } from '../domain/location';
import { locationLock } from '../data-access/lock-keys';
import type { LocationDoc } from '../data-access/location-model';
import { locationView } from '../data-access/views';
import type { InventoryDeps } from './inventory-deps';

/** PUT semantics: the location becomes exactly what was sent (defaults for what was left out). */
export async function upsertLocation({ locks, models, locations }: InventoryDeps, msg: Message<'location.upsert.v1'>) {
  const { locationId, actor: _actor, address, canPickup, ...fields } = msg.data;
  const set = { ...fields, canPickup: canPickup ?? canPickupByDefault(fields.type) };
  await locks.withLock(locationLock(locationId), () =>
    models.Locations.updateOne({ _id: locationId }, address ? { $set: { ...set, address } } : { $set: set, $unset: { address: 1 } }, { upsert: true }),
  );
  locations.forget();
  return locationView((await models.Locations.findById(locationId).lean<LocationDoc>())!);
}
