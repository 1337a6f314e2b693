import { Refusal, type FieldError } from '@oms/errors';
import type { FulfillmentLine, FulfillmentStatus } from './fulfillment';

export interface MissingLine {
  sku: string;
  missing: number;
}

/**
 * A short pick: the missing units come off the fulfillment's lines (a line with nothing left goes). Every
 * reported SKU must be on the fulfillment, missing no more than it holds.
 */
export function applyShortPick(lines: FulfillmentLine[], missing: MissingLine[]): { lines: FulfillmentLine[]; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const left = new Map(lines.map((l) => [l.sku, l.quantity]));
  missing.forEach((m, i) => {
    const held = left.get(m.sku);
    if (held === undefined) errors.push({ path: `lines.${i}.sku`, message: `${m.sku} is not on this fulfillment` });
    else if (m.missing > held) errors.push({ path: `lines.${i}.missing`, message: `only ${held} of ${m.sku} left to pick` });
    else left.set(m.sku, held - m.missing);
  });
  return { lines: lines.map((l) => ({ sku: l.sku, quantity: left.get(l.sku)! })).filter((l) => l.quantity > 0), errors };
}

export interface ShortPick {
  /** The lines still to pick. */
  lines: FulfillmentLine[];
  /** Nothing is left to pick: the fulfillment is cancelled. */
  emptied: boolean;
}

/** A short pick is reported only while the fulfillment is still to be picked (open or picking), and must fit its lines. */
export function decideShortPick(
  fulfillment: { status: FulfillmentStatus; lines: FulfillmentLine[] },
  fulfillmentId: string,
  missing: MissingLine[],
): ShortPick {
  if (fulfillment.status !== 'open' && fulfillment.status !== 'picking')
    throw new Refusal('conflict', `fulfillment ${fulfillmentId} is ${fulfillment.status}: a short pick can only be reported before it is packed`);
  const { lines, errors } = applyShortPick(fulfillment.lines, missing);
  if (errors.length > 0) throw new Refusal('invalid', 'The short pick does not fit the fulfillment', errors);
  return { lines, emptied: lines.length === 0 };
}
