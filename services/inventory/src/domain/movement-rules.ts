import { Refusal, type FieldError } from '@oms/errors';

export const MOVEMENT_TYPES = ['receipt', 'adjustment', 'count', 'pick', 'return_restock', 'write_off', 'transfer'] as const;
export type MovementType = (typeof MOVEMENT_TYPES)[number];

/** A movement as a client states it. */
export interface RequestedMovement {
  sku: string;
  locationId: string;
  /** The change to on hand; for a count the quantity counted; for a transfer the units moved. */
  quantity: number;
  type: MovementType;
  /** Transfers: where the units go. */
  toLocationId?: string;
  reason?: string;
  reference?: string;
}

/** One ledger entry: `quantity` is always the change to on hand at `locationId`. */
export interface NewMovement {
  sku: string;
  locationId: string;
  quantity: number;
  type: MovementType;
  reason?: string;
  reference?: string;
}

/** One entry of the insert-only stock ledger as stored: on hand is the sum of these. */
export interface LedgerEntry extends NewMovement {
  _id: string;
  actor: string;
  at: Date;
  /** On picks: the reservation they consume. */
  reservationId?: string;
  /** On counts: the quantity counted (the movement books the difference). */
  counted?: number;
  /** On short-pick corrections: the operation the reservation records once done (see ledger.ts). */
  operation?: string;
}

/** What each type's quantity must look like, and which types need a destination. */
const QUANTITY_RULES: Record<MovementType, { ok: (q: number) => boolean; message: string }> = {
  receipt: { ok: (q) => q > 0, message: 'a receipt must have a positive quantity' },
  adjustment: { ok: (q) => q !== 0, message: 'an adjustment must change the quantity' },
  count: { ok: (q) => q >= 0, message: 'a count is the quantity counted, 0 or more' },
  pick: { ok: (q) => q < 0, message: 'a pick takes stock out: its quantity must be negative' },
  return_restock: { ok: (q) => q > 0, message: 'a return restock must have a positive quantity' },
  write_off: { ok: (q) => q < 0, message: 'a write-off takes stock out: its quantity must be negative' },
  transfer: { ok: (q) => q > 0, message: 'a transfer moves a positive number of units' },
};

/** Checks that need no stock figures: known locations, and quantities that make sense for their type. */
export function movementErrors(movements: RequestedMovement[], knownLocations: Set<string>): FieldError[] {
  const errors: FieldError[] = [];
  movements.forEach((m, i) => {
    if (!knownLocations.has(m.locationId)) errors.push({ path: `movements.${i}.locationId`, message: `location ${m.locationId} does not exist` });
    const rule = QUANTITY_RULES[m.type];
    if (!rule.ok(m.quantity)) errors.push({ path: `movements.${i}.quantity`, message: rule.message });
    if (m.type === 'transfer') {
      if (m.toLocationId === undefined) errors.push({ path: `movements.${i}.toLocationId`, message: 'a transfer needs the location the units go to' });
      else if (m.toLocationId === m.locationId) errors.push({ path: `movements.${i}.toLocationId`, message: 'a transfer must go to another location' });
      else if (!knownLocations.has(m.toLocationId)) errors.push({ path: `movements.${i}.toLocationId`, message: `location ${m.toLocationId} does not exist` });
    } else if (m.toLocationId !== undefined) {
      errors.push({ path: `movements.${i}.toLocationId`, message: 'only a transfer has a destination' });
    }
  });
  return errors;
}

/** A batch with any of these errors is refused whole: nothing is booked. */
export function checkMovements(movements: RequestedMovement[], knownLocations: Set<string>): void {
  const errors = movementErrors(movements, knownLocations);
  if (errors.length > 0) throw new Refusal('invalid', 'The stock movements were refused', errors);
}

/**
 * On hand never goes below what is reserved (or below zero): the refusal names the movement that went too
 * far, under `path` (the request's field holding the movements).
 */
export function takesReservedStock(change: PlannedChange, path: string, figures: { onHand: number; after: number; reserved: number }): Refusal {
  const { movement, index } = change;
  const message = `would take on hand of ${movement.sku} at ${movement.locationId} from ${figures.onHand} to ${figures.after}, below the ${figures.reserved} reserved`;
  return new Refusal('invalid', 'The stock movements would take reserved stock', [{ path: `${path}.${index}.quantity`, message }]);
}

/** A counter change for one ledger entry, and which requested movement it comes from. */
export interface PlannedChange {
  index: number;
  movement: NewMovement;
  kind: 'add' | 'set';
}

/**
 * Requested movements as ledger entries: a transfer becomes one entry out of its source and one into its
 * destination; a count sets on hand to what was counted (the entry books the difference, known once the
 * counters have applied it).
 */
export function ledgerEntries(movements: RequestedMovement[]): PlannedChange[] {
  return movements.flatMap((m, index): PlannedChange[] => {
    const { toLocationId, ...rest } = m;
    if (m.type === 'transfer')
      return [
        { index, kind: 'add', movement: { ...rest, quantity: -m.quantity } },
        { index, kind: 'add', movement: { ...rest, locationId: toLocationId!, quantity: m.quantity } },
      ];
    return [{ index, kind: m.type === 'count' ? 'set' : 'add', movement: rest }];
  });
}
