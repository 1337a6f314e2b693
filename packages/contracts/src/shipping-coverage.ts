import { z } from 'zod';
import { countryCode } from './order';

/**
 * Where each shipping method delivers (docs/addresses.md): the countries it reaches, the postal-code ranges it
 * does not (islands without express), whether it delivers to PO boxes and parcel stations, and whether it is
 * a pickup at a store. Looked up by the order's `shipping.method`, case-insensitively; a method not in the
 * table is delivered like `default`. Ingestion reads it from SHIPPING_COVERAGE (JSON), else the defaults.
 */
export const methodCoverageSchema = z
  .object({
    /** The countries the method reaches; absent: every country. */
    countries: z.array(countryCode).max(300).optional(),
    /** Postal codes it does not reach, as inclusive ranges of codes of the same length (e.g. islands). */
    excludedPostalCodes: z
      .array(z.object({ country: countryCode, from: z.string().min(1).max(12), to: z.string().min(1).max(12), reason: z.string().min(1).max(200) }))
      .max(1000)
      .optional(),
    /** Delivers to PO boxes (Postfach) and parcel stations (Packstation, Postfiliale). */
    poBoxes: z.boolean(),
    /** A pickup at a store: the order names the store (`shipping.pickupLocationId`); the address is not delivered to. */
    pickup: z.boolean().optional(),
  })
  .strict();

export const shippingCoverageSchema = z.record(z.string().min(1).max(50), methodCoverageSchema).refine((t) => 'default' in t, 'needs a "default" entry');

export type MethodCoverage = z.infer<typeof methodCoverageSchema>;
export type ShippingCoverage = z.infer<typeof shippingCoverageSchema>;

/** German islands without a bridge or a daily express connection: standard parcels reach them, express does not. */
const GERMAN_ISLANDS: NonNullable<MethodCoverage['excludedPostalCodes']> = [
  { country: 'DE', from: '18565', to: '18565', reason: 'Hiddensee' },
  { country: 'DE', from: '25849', to: '25849', reason: 'Pellworm' },
  { country: 'DE', from: '25859', to: '25869', reason: 'Halligen' },
  { country: 'DE', from: '25938', to: '25946', reason: 'Föhr and Amrum' },
  { country: 'DE', from: '25980', to: '25999', reason: 'Sylt' },
  { country: 'DE', from: '26465', to: '26486', reason: 'Langeoog, Spiekeroog and Wangerooge' },
  { country: 'DE', from: '26548', to: '26579', reason: 'Norderney, Juist and Baltrum' },
  { country: 'DE', from: '26757', to: '26757', reason: 'Borkum' },
  { country: 'DE', from: '27498', to: '27499', reason: 'Helgoland and Neuwerk' },
];

const express: MethodCoverage = {
  countries: ['DE', 'AT', 'CH', 'NL', 'BE', 'LU', 'FR', 'DK', 'PL', 'CZ', 'IT', 'ES'],
  excludedPostalCodes: GERMAN_ISLANDS,
  poBoxes: false,
};

export const DEFAULT_SHIPPING_COVERAGE: ShippingCoverage = {
  default: { poBoxes: true },
  standard: { poBoxes: true },
  express,
  overnight: express,
  next_day: express,
  same_day: { ...express, countries: ['DE'] },
  pickup: { poBoxes: true, pickup: true },
};

/** The coverage of a shipping method: its entry, matched case-insensitively, else `default`. */
export function coverageOf(coverage: ShippingCoverage, method: string): { name: string; coverage: MethodCoverage } {
  const wanted = method.toLowerCase();
  const name = Object.keys(coverage).find((m) => m.toLowerCase() === wanted);
  return name ? { name, coverage: coverage[name]! } : { name: 'default', coverage: coverage.default! };
}
