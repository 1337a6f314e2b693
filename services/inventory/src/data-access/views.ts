import { canPickupByDefault } from '../domain/location';
import type { IncomingDoc } from './incoming-model';
import type { LocationDoc } from './location-model';
import type { MovementDoc } from './movement-model';
import type { ReservationDoc } from './reservation-model';

/** Every view of the service, what leaves it: ids named for what they are, no bookkeeping (processed, sent, outbox). */
export const locationView = (l: LocationDoc) => ({
  id: l._id,
  name: l.name,
  type: l.type,
  ...(l.address ? { address: l.address } : {}),
  canShip: l.canShip ?? true,
  canPickup: l.canPickup ?? canPickupByDefault(l.type),
  priority: l.priority ?? 100,
  handlingCost: l.handlingCost ?? 0,
  active: l.active ?? true,
  createdAt: l.createdAt,
  updatedAt: l.updatedAt,
});

export const movementView = (m: MovementDoc) => ({
  id: m._id,
  sku: m.sku,
  locationId: m.locationId,
  quantity: m.quantity,
  type: m.type,
  ...(m.reason !== undefined ? { reason: m.reason } : {}),
  ...(m.reference !== undefined ? { reference: m.reference } : {}),
  ...(m.counted !== undefined ? { counted: m.counted } : {}),
  actor: m.actor,
  at: m.at,
});

export const reservationView = (r: Pick<ReservationDoc, '_id' | 'status' | 'lines' | 'reason' | 'shortLines' | 'createdAt' | 'updatedAt'>) => ({
  orderId: r._id,
  status: r.status,
  // A short pick can leave a line at 0 (kept in place, aligned with Redis's marker): not shown.
  lines: r.lines.filter((l) => l.quantity > 0).map(({ sku, locationId, quantity }) => ({ sku, locationId, quantity })),
  ...(r.reason ? { reason: r.reason } : {}),
  ...(r.shortLines ? { shortLines: r.shortLines.map(({ sku, requested, available }) => ({ sku, requested, available })) } : {}),
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
});

export const incomingView = (i: IncomingDoc) => ({
  id: i._id,
  sku: i.sku,
  locationId: i.locationId,
  quantity: i.quantity,
  expectedAt: i.expectedAt,
  reference: i.reference,
  status: i.status,
});

export type ReservationView = ReturnType<typeof reservationView>;
