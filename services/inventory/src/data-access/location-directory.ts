import { canPickupByDefault } from '../domain/location';
import type { SourcingLocation } from '../domain/sourcing';
import type { LocationAddress, LocationDoc } from './location-model';
import type { Models } from './models';

/** How long a read of the locations serves sourcing: they change rarely, orders arrive by the hundred per second. */
const FRESH_MS = 2000;

/**
 * The locations: their documents, and the locations as sourcing sees them, read once per couple of seconds
 * rather than once per order.
 */
export class LocationDirectory {
  private cached?: { at: number; locations: SourcingLocation[] };

  constructor(private readonly models: Models) {}

  async all(): Promise<SourcingLocation[]> {
    if (this.cached && Date.now() - this.cached.at < FRESH_MS) return this.cached.locations;
    const docs = await this.models.Locations.find().lean<LocationDoc[]>();
    const locations = docs.map(toSourcing);
    this.cached = { at: Date.now(), locations };
    return locations;
  }

  /** After a change made here; other instances see it within FRESH_MS. */
  forget(): void {
    this.cached = undefined;
  }

  /** Whether a location with this id is stored (read now, not from the sourcing cache). */
  async exists(id: string): Promise<boolean> {
    return Boolean(await this.models.Locations.exists({ _id: id }));
  }

  /** Which of these ids name a stored location. */
  async knownIds(ids: string[]): Promise<Set<string>> {
    const known = await this.models.Locations.find({ _id: { $in: ids } }, { _id: 1 }).lean<Array<{ _id: string }>>();
    return new Set(known.map((l) => l._id));
  }

  byId(id: string): Promise<LocationDoc | null> {
    return this.models.Locations.findById(id).lean<LocationDoc>().exec();
  }

  /** The documents of the first 1,000 locations by id (the listing), read now. */
  list(): Promise<LocationDoc[]> {
    return this.models.Locations.find().sort({ _id: 1 }).limit(1000).lean<LocationDoc[]>().exec();
  }

  /** The location becomes exactly these fields; without an address a stored one is removed. Call forget() after. */
  async upsert(id: string, fields: Omit<LocationDoc, '_id' | 'address' | 'createdAt' | 'updatedAt'>, address: LocationAddress | undefined): Promise<void> {
    await this.models.Locations.updateOne({ _id: id }, address ? { $set: { ...fields, address } } : { $set: fields, $unset: { address: 1 } }, { upsert: true });
  }
}

export const toSourcing = (l: LocationDoc): SourcingLocation => ({
  id: l._id,
  active: l.active ?? true,
  canShip: l.canShip ?? true,
  canPickup: l.canPickup ?? canPickupByDefault(l.type),
  priority: l.priority ?? 100,
  handlingCost: l.handlingCost ?? 0,
  ...(l.address ? { coordinates: { lat: l.address.lat, lon: l.address.lon } } : {}),
});
