import type { Message } from '@oms/messaging';
import { canPickupByDefault } from '../domain/location';
import { locationLock } from '../data-access/lock-keys';
import { locationView } from '../data-access/views';
import type { InventoryDeps } from './inventory-deps';

/** PUT semantics: the location becomes exactly what was sent (defaults for what was left out). */
export async function upsertLocation({ locks, locations }: InventoryDeps, msg: Message<'location.upsert.v1'>) {
  const { locationId, actor: _actor, address, canPickup, ...fields } = msg.data;
  const set = { ...fields, canPickup: canPickup ?? canPickupByDefault(fields.type) };
  await locks.withLock(locationLock(locationId), () => locations.upsert(locationId, set, address));
  locations.forget();
  return locationView((await locations.byId(locationId))!);
}
