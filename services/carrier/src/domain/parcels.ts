import type { Parcel, SkuAttributes } from '@oms/contracts';
import type { ParcelSpec } from './rating';

/** Grams to declare per unit of a SKU without a weight: carriers need a positive parcel weight. */
export const DEFAULT_UNIT_WEIGHT_GRAMS = 500;

export type ParcelToBook = Parcel & ParcelSpec;

const weightOf = (a: SkuAttributes | undefined) => a?.weightGrams ?? DEFAULT_UNIT_WEIGHT_GRAMS;

/**
 * The parcels of a fulfillment packed without a parcel list: every unit of a SKU that ships alone in a
 * parcel of its own (with the SKU's measures), everything else together, weighed from the SKUs' weights.
 */
export function defaultParcels(lines: Array<{ sku: string; quantity: number }>, attributes: Map<string, SkuAttributes>): ParcelToBook[] {
  const alone: ParcelToBook[] = [];
  const together = lines.filter((l) => !attributes.get(l.sku)?.shipsAlone);
  for (const l of lines) {
    const a = attributes.get(l.sku);
    if (!a?.shipsAlone) continue;
    for (let i = 0; i < l.quantity; i++)
      alone.push({ lines: [{ sku: l.sku, quantity: 1 }], weightGrams: weightOf(a), ...(a.dimensions ? { dimensions: a.dimensions } : {}), hazmat: a.hazmat });
  }
  if (together.length === 0) return alone;
  const rest: ParcelToBook = {
    lines: together,
    weightGrams: Math.max(
      1,
      together.reduce((sum, l) => sum + l.quantity * weightOf(attributes.get(l.sku)), 0),
    ),
    hazmat: together.some((l) => attributes.get(l.sku)?.hazmat),
  };
  return [rest, ...alone];
}

/** Parcels the packer listed: their weight and measures as given, dangerous when a SKU in them is. */
export const withHazmat = (parcels: Parcel[], attributes: Map<string, SkuAttributes>): ParcelToBook[] =>
  parcels.map((p) => ({ ...p, hazmat: p.lines.some((l) => attributes.get(l.sku)?.hazmat) }));
