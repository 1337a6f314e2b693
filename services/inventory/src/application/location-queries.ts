import { notFound } from '@oms/errors';
import type { LocationDoc } from '../data-access/location-model';
import { locationView } from '../data-access/views';
import type { InventoryReads } from './inventory-deps';

export async function listLocations({ models }: InventoryReads) {
  const locations = await models.Locations.find().sort({ _id: 1 }).limit(1000).lean<LocationDoc[]>();
  return locations.map(locationView);
}

export async function getLocation({ models }: InventoryReads, id: string) {
  const location = await models.Locations.findById(id).lean<LocationDoc>();
  if (!location) throw notFound(`location ${id}`);
  return locationView(location);
}
