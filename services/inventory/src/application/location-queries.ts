import { notFound } from '@oms/errors';
import { locationView } from '../data-access/views';
import type { InventoryReads } from './inventory-deps';

export async function listLocations({ locations }: InventoryReads) {
  return (await locations.list()).map(locationView);
}

export async function getLocation({ locations }: InventoryReads, id: string) {
  const location = await locations.byId(id);
  if (!location) throw notFound(`location ${id}`);
  return locationView(location);
}
