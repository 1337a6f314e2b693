import { canPickupByDefault } from '../domain/location';
import type { SourcingLocation } from '../domain/sourcing';
import type { LocationDoc } from './location-model';
import type { Models } from './models';

/** How long a read of the locations serves sourcing: they change rarely, orders arrive by the hundred per second. */
const FRESH_MS = 2000;

/** The locations as sourcing sees them, read once per couple of seconds rather than once per order. */
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
