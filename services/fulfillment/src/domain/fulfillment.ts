import type { Parcel } from '@oms/contracts';
import { Refusal, type FieldError } from '@oms/errors';

/**
 * open → picking → packed → handed_over; click & collect: open → picking → ready_for_pickup → collected;
 * `cancelled` from open, picking or ready_for_pickup.
 */
export const FULFILLMENT_STATUSES = ['open', 'picking', 'packed', 'handed_over', 'ready_for_pickup', 'collected', 'cancelled'] as const;
export type FulfillmentStatus = (typeof FULFILLMENT_STATUSES)[number];

/**
 * Work still to do at a location. A queue of these holds what is in flight, however long the history, so
 * it is read whole; the done statuses grow with history and are read day by day (docs/fulfillment.md).
 */
export const ACTIVE_STATUSES: readonly FulfillmentStatus[] = ['open', 'picking', 'packed', 'ready_for_pickup'];
export const isActive = (status: FulfillmentStatus) => ACTIVE_STATUSES.includes(status);

export interface FulfillmentLine {
  sku: string;
  quantity: number;
}

export interface AllocatedLine extends FulfillmentLine {
  locationId: string;
}

/** The order's hold as fulfillment last heard of it (fulfillment.set-order-hold.v1). */
export interface OrderHold {
  held: boolean;
  reason?: string;
  /** The order's version when it was sent: an older one is ignored. */
  version: number;
}

interface Workable {
  status: FulfillmentStatus;
  lines: FulfillmentLine[];
  orderHold?: OrderHold;
  /** Click & collect: the customer picks it up here; nothing is packed for a carrier. */
  pickup?: boolean;
}

/**
 * Split an order's allocated lines into the work of each ship-from location, one line per SKU (the same
 * SKU allocated twice at one location is picked as one line).
 */
export function groupLinesByLocation(lines: AllocatedLine[]): Map<string, FulfillmentLine[]> {
  const byLocation = new Map<string, Map<string, number>>();
  for (const { sku, quantity, locationId } of lines) {
    const skus = byLocation.get(locationId) ?? new Map<string, number>();
    skus.set(sku, (skus.get(sku) ?? 0) + quantity);
    byLocation.set(locationId, skus);
  }
  return new Map([...byLocation].map(([locationId, skus]) => [locationId, [...skus].map(([sku, quantity]) => ({ sku, quantity }))]));
}

/** The queue a fulfillment is listed in: one per location and status (an equality FerretDB pushes down). */
export const queueOf = (locationId: string, status: FulfillmentStatus) => `${locationId}|${status}`;

/**
 * When the parcel should leave: the order's time plus the handling time of its shipping method, and never
 * before the work reaches the location (`arrivedAt`): work that arrives after that time (a backorder served
 * days later) is due at once. So work only ever enters the queues on or after the day it arrives, which lets
 * the active queues' past days be dropped once they are empty (docs/fulfillment.md, work queues).
 */
export function shipByOf(orderedAt: Date, shippingMethod: string, handlingHours: Record<string, number>, arrivedAt: Date): Date {
  const hours = handlingHours[shippingMethod] ?? handlingHours.default ?? 24;
  return laterOf(new Date(orderedAt.getTime() + hours * 3_600_000), arrivedAt);
}

export const laterOf = (a: Date, b: Date): Date => (a.getTime() >= b.getTime() ? a : b);

/** A held order's work waits: nothing is picked, packed or handed over until the hold is lifted. */
function refuseIfHeld(f: Workable, id: string, action: string): void {
  if (f.orderHold?.held)
    throw new Refusal('conflict', `fulfillment ${id} cannot be ${action}: its order is on hold${f.orderHold.reason ? ` (${f.orderHold.reason})` : ''}`);
}

/** Only open work can be taken into a pick list, and not while its order is held. */
export const canJoinPickList = (f: Workable) => f.status === 'open' && !f.orderHold?.held;

export type PickDecision = { kind: 'picked' } | { kind: 'short'; missing: Array<{ sku: string; missing: number }>; lines: FulfillmentLine[]; emptied: boolean };

/**
 * The picker reports what was found of each line. Every line must be reported once, with no more than it
 * holds; fewer is a short pick: the missing units come off the fulfillment (and are sourced elsewhere).
 */
export function decidePick(f: Workable, id: string, picked: FulfillmentLine[]): PickDecision {
  if (f.status !== 'open' && f.status !== 'picking') throw new Refusal('conflict', `fulfillment ${id} is ${f.status}: only open work can be picked`);
  refuseIfHeld(f, id, 'picked');
  const errors: FieldError[] = [];
  const reported = new Map<string, number>();
  picked.forEach((p, i) => {
    const line = f.lines.find((l) => l.sku === p.sku);
    if (!line) errors.push({ path: `lines.${i}.sku`, message: `${p.sku} is not on this fulfillment` });
    else if (reported.has(p.sku)) errors.push({ path: `lines.${i}.sku`, message: `${p.sku} is reported twice` });
    else if (p.quantity > line.quantity) errors.push({ path: `lines.${i}.quantity`, message: `only ${line.quantity} of ${p.sku} to pick` });
    reported.set(p.sku, p.quantity);
  });
  f.lines.forEach((l) => {
    if (!reported.has(l.sku)) errors.push({ path: 'lines', message: `${l.sku} is not reported: give what was found of every line (0 if none)` });
  });
  if (errors.length > 0) throw new Refusal('invalid', 'The pick does not fit the fulfillment', errors);
  const missing = f.lines.map((l) => ({ sku: l.sku, missing: l.quantity - reported.get(l.sku)! })).filter((m) => m.missing > 0);
  if (missing.length === 0) return { kind: 'picked' };
  const lines = f.lines.map((l) => ({ sku: l.sku, quantity: reported.get(l.sku)! })).filter((l) => l.quantity > 0);
  return { kind: 'short', missing, lines, emptied: lines.length === 0 };
}

export type PackDecision = { kind: 'pack' } | { kind: 'already-packed' };

/**
 * Packing is idempotent: packing a packed fulfillment changes nothing; a cancelled one, or a held order's,
 * cannot be packed. Parcels, when given, must hold exactly the fulfillment's units.
 */
export function decidePack(f: Workable, id: string, parcels?: Parcel[]): PackDecision {
  if (f.status === 'cancelled') throw new Refusal('conflict', `fulfillment ${id} is cancelled and cannot be packed`);
  if (f.status === 'packed' || f.status === 'handed_over') return { kind: 'already-packed' };
  if (f.pickup)
    throw new Refusal('conflict', `fulfillment ${id} is a click & collect order: nothing is packed for a carrier; mark it ready for pickup instead`);
  refuseIfHeld(f, id, 'packed');
  if (parcels) {
    const errors = parcelErrors(f.lines, parcels);
    if (errors.length > 0) throw new Refusal('invalid', 'The parcels do not hold what the fulfillment ships', errors);
  }
  return { kind: 'pack' };
}

/** Each unit of the fulfillment in exactly one parcel: no SKU missing, none extra, none counted twice. */
export function parcelErrors(lines: FulfillmentLine[], parcels: Parcel[]): FieldError[] {
  const errors: FieldError[] = [];
  const packed = new Map<string, number>();
  parcels.forEach((parcel, p) =>
    parcel.lines.forEach((line, i) => {
      if (!lines.some((l) => l.sku === line.sku)) errors.push({ path: `parcels.${p}.lines.${i}.sku`, message: `${line.sku} is not on this fulfillment` });
      packed.set(line.sku, (packed.get(line.sku) ?? 0) + line.quantity);
    }),
  );
  for (const l of lines) {
    const n = packed.get(l.sku) ?? 0;
    if (n !== l.quantity) errors.push({ path: 'parcels', message: `${l.sku}: ${n} packed, the fulfillment ships ${l.quantity}` });
  }
  return errors;
}

/** Handing over is idempotent; only packed parcels leave, and not while the order is held. */
export function decideHandOver(f: Workable, id: string): 'hand-over' | 'already-handed-over' {
  if (f.status === 'handed_over') return 'already-handed-over';
  if (f.status !== 'packed') throw new Refusal('conflict', `fulfillment ${id} is ${f.status}: only packed parcels can be handed over`);
  refuseIfHeld(f, id, 'handed over');
  return 'hand-over';
}

/**
 * Only work not packed yet is cancelled: a packed parcel stays packed (it is dealt with as a return to
 * stock). Goods waiting for pickup go back to the shelf.
 */
export const isCancellable = (fulfillment: { status: FulfillmentStatus }): boolean =>
  fulfillment.status === 'open' || fulfillment.status === 'picking' || fulfillment.status === 'ready_for_pickup';

/**
 * Click & collect: picked goods are put out for the customer, with a new pickup code each time (asked again,
 * the customer gets a new code: the last one is the one that counts). Not while the order is held.
 */
export function decideReadyForPickup(f: Workable, id: string): void {
  if (!f.pickup) throw new Refusal('conflict', `fulfillment ${id} ships with a carrier: pack it instead`);
  if (f.status !== 'open' && f.status !== 'picking' && f.status !== 'ready_for_pickup')
    throw new Refusal('conflict', `fulfillment ${id} is ${f.status}: it cannot be made ready for pickup`);
  refuseIfHeld(f, id, 'made ready for pickup');
}

/** Collecting is idempotent once collected; before that only goods waiting for pickup can be collected. */
export function decideCollect(f: Workable, id: string): 'collect' | 'already-collected' {
  if (f.status === 'collected') return 'already-collected';
  if (f.status !== 'ready_for_pickup') throw new Refusal('conflict', `fulfillment ${id} is ${f.status}: only goods ready for pickup can be collected`);
  return 'collect';
}

/** What is due for a pickup waiting since `readyAt`: a reminder after `remindDays`, cancelling after `cancelDays`. */
export function pickupDue(readyAt: Date, now: Date, days: { remind: number; cancel: number }, done: { reminded: boolean }): 'expire' | 'remind' | undefined {
  const waited = (now.getTime() - readyAt.getTime()) / 86_400_000;
  if (waited >= days.cancel) return 'expire';
  if (waited >= days.remind && !done.reminded) return 'remind';
  return undefined;
}

/** A newer hold state than the one kept (by the order's version), or none when this one is old news. */
export function nextOrderHold(current: OrderHold | undefined, update: OrderHold): OrderHold | undefined {
  if (current && current.version >= update.version) return undefined;
  return update;
}
