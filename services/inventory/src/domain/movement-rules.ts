import type { FieldError } from '@oms/errors';
import type { StockLevel } from './stock-levels';

export type MovementType = 'receipt' | 'adjustment' | 'pick' | 'return_restock' | 'write_off';

export interface NewMovement {
  sku: string;
  locationId: string;
  quantity: number;
  type: MovementType;
  reason?: string;
  reference?: string;
}

/** Checks that need no stock figures: known locations, and quantities that make sense for their type. */
export function movementErrors(movements: NewMovement[], knownLocations: Set<string>): FieldError[] {
  const errors: FieldError[] = [];
  movements.forEach((m, i) => {
    if (!knownLocations.has(m.locationId)) errors.push({ path: `movements.${i}.locationId`, message: `location ${m.locationId} does not exist` });
    if (m.quantity === 0) errors.push({ path: `movements.${i}.quantity`, message: 'a movement must change the quantity' });
    else if (m.type === 'receipt' && m.quantity < 0) errors.push({ path: `movements.${i}.quantity`, message: 'a receipt must have a positive quantity' });
  });
  return errors;
}

/**
 * Stock already promised to orders may not be taken away: the net change of the batch per SKU and location
 * may not bring on hand below what active reservations hold there. `movements` carries each movement's
 * index in the command so the error names the field.
 */
export function belowReservedErrors(movements: Array<{ index: number; movement: NewMovement }>, levels: StockLevel[]): FieldError[] {
  const net = new Map<string, { sku: string; locationId: string; delta: number; index: number }>();
  for (const { index, movement: m } of movements) {
    const key = `${m.sku}\u0000${m.locationId}`;
    const entry = net.get(key) ?? { sku: m.sku, locationId: m.locationId, delta: 0, index };
    entry.delta += m.quantity;
    net.set(key, entry);
  }
  const errors: FieldError[] = [];
  for (const { sku, locationId, delta, index } of net.values()) {
    if (delta >= 0) continue;
    const level = levels.find((l) => l.sku === sku && l.locationId === locationId);
    const onHand = level?.onHand ?? 0;
    const reserved = level?.reserved ?? 0;
    if (onHand + delta < reserved)
      errors.push({
        path: `movements.${index}.quantity`,
        message: `would take on hand of ${sku} at ${locationId} from ${onHand} to ${onHand + delta}, below the ${reserved} reserved`,
      });
  }
  return errors;
}
