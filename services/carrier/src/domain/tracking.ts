import { TRACKING_STATUSES, type TrackingStatus } from '@oms/contracts';

/** `cancelled`: its booking was voided before it left (a replacement may carry the parcel). */
export type ShipmentStatus = 'booked' | 'cancelled' | TrackingStatus;
/** Booked, then whatever its latest scan says (every tracking status, so a new one is never refused by the store). */
export const SHIPMENT_STATUSES: ShipmentStatus[] = ['booked', 'cancelled', ...TRACKING_STATUSES];
/** What the scans say: booked until the first, then the latest scan's status. */
export type ScannedStatus = 'booked' | TrackingStatus;

export interface TrackingUpdate {
  status: TrackingStatus;
  occurredAt: Date;
  location?: string;
}

/** A scan as the shipment keeps it. */
export interface TrackingEntry extends TrackingUpdate {
  receivedAt: Date;
}

/** A carrier re-sending the same scan (same status at the same instant) is the same update. */
export function isSameUpdate(a: Pick<TrackingUpdate, 'status' | 'occurredAt'>, b: Pick<TrackingUpdate, 'status' | 'occurredAt'>): boolean {
  return a.status === b.status && new Date(a.occurredAt).getTime() === new Date(b.occurredAt).getTime();
}

/**
 * The shipment's status is that of its latest scan by the time it happened, not by arrival: carriers deliver
 * webhooks out of order, and a late "in_transit" must not undo "delivered".
 */
export function currentStatus(updates: Array<Pick<TrackingUpdate, 'status' | 'occurredAt'>>): ScannedStatus {
  let latest: Pick<TrackingUpdate, 'status' | 'occurredAt'> | undefined;
  for (const u of updates) if (!latest || new Date(u.occurredAt).getTime() >= new Date(latest.occurredAt).getTime()) latest = u;
  return latest?.status ?? 'booked';
}

/**
 * Record a scan on a shipment: the entry to add and the shipment's status with it, or null when the
 * shipment has that scan already (carriers re-send scans, under new message ids).
 */
export function recordScan(tracking: TrackingEntry[], update: TrackingUpdate, receivedAt: Date): { entry: TrackingEntry; status: ScannedStatus } | null {
  if (tracking.some((t) => isSameUpdate(t, update))) return null;
  const entry: TrackingEntry = { status: update.status, occurredAt: update.occurredAt, receivedAt, ...(update.location ? { location: update.location } : {}) };
  return { entry, status: currentStatus([...tracking, entry]) };
}
