import { Refusal } from '@oms/errors';
import type { LedgerEntry } from './movement-rules';
import type { AllocatedLine, ShortLine } from './sourcing';

export const RESERVATION_STATUSES = ['active', 'short', 'backordered', 'released', 'consumed'] as const;
export type ReservationStatus = (typeof RESERVATION_STATUSES)[number];

/** What a reservation was asked for: kept on a backorder, which is sourced again when stock arrives. */
export interface ReservationRequest {
  lines: Array<{ sku: string; quantity: number }>;
  shipTo?: { country: string; postalCode: string };
  pickupLocationId?: string;
}

/** Units waited for after a short pick, and their place in the backorder queue. */
export interface WaitingSupplement {
  lines: Array<{ sku: string; quantity: number }>;
  shipTo?: { country: string; postalCode: string };
  queuedAt: Date;
}

/** The supplement waiting already with `lines` added to it, SKU by SKU (a second short pick the customer also waits for). */
export function addToWaiting(
  waiting: WaitingSupplement | undefined,
  lines: WaitingSupplement['lines'],
  shipTo: WaitingSupplement['shipTo'],
  now: Date,
): WaitingSupplement {
  const merged = new Map((waiting?.lines ?? []).map((l) => [l.sku, l.quantity]));
  for (const l of lines) merged.set(l.sku, (merged.get(l.sku) ?? 0) + l.quantity);
  return {
    lines: [...merged].map(([sku, quantity]) => ({ sku, quantity })),
    ...((waiting?.shipTo ?? shipTo) ? { shipTo: waiting?.shipTo ?? shipTo } : {}),
    queuedAt: waiting?.queuedAt ?? now,
  };
}

/** What the rules read of a stored reservation. */
export interface ReservationState {
  status: ReservationStatus;
  lines: AllocatedLine[];
  shortLines?: ShortLine[];
}

/** Active, short or backordered: a release ends it. Of these only an active one holds units to give back. */
export const isReleasable = (status: ReservationStatus | undefined): boolean => status === 'active' || status === 'short' || status === 'backordered';

/** Only an active reservation ships; one already consumed stays as it is (the command came again). */
export function assertConsumable(orderId: string, reservation: ReservationState | null): asserts reservation is ReservationState {
  if (!reservation) throw new Refusal('not_found', `order ${orderId} has no reservation`);
  if (reservation.status !== 'active' && reservation.status !== 'consumed')
    throw new Refusal('conflict', `the reservation of order ${orderId} is ${reservation.status}, not active`);
}

/** Only what an active reservation holds can be missing on the shelf. */
export function assertShortPickable(orderId: string, reservation: ReservationState | null): asserts reservation is ReservationState {
  if (!reservation) throw new Refusal('not_found', `reservation of order ${orderId} was not found`);
  if (reservation.status !== 'active') throw new Refusal('conflict', `the reservation of order ${orderId} is ${reservation.status}, not active`);
}

/**
 * The ledger entries of a consumed reservation, one pick per line. Their ids follow from the order, SKU
 * and location, so a redelivered consume stores none twice.
 */
export const pickEntries = (orderId: string, lines: AllocatedLine[], actor: string, at: Date): LedgerEntry[] =>
  lines.map((l) => ({
    _id: `pick:${orderId}:${l.sku}:${l.locationId}`,
    sku: l.sku,
    locationId: l.locationId,
    quantity: -l.quantity,
    type: 'pick',
    reference: orderId,
    reservationId: orderId,
    actor,
    at,
  }));

/** The lines as an event or the reservation carries them: exactly these fields. */
export const allocatedLines = (lines: AllocatedLine[]): AllocatedLine[] => lines.map(({ sku, locationId, quantity }) => ({ sku, locationId, quantity }));
export const shortLinesOf = (lines: ShortLine[]): ShortLine[] => lines.map(({ sku, requested, available }) => ({ sku, requested, available }));
