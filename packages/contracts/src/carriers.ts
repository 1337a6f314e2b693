import { z } from 'zod';
import { countryCode, currencyCode, identifier, minorUnits } from './order';

/** How fast a carrier service is: `express` meets an express order, either meets a standard one. */
export const SERVICE_LEVELS = ['standard', 'express'] as const;
export type ServiceLevel = (typeof SERVICE_LEVELS)[number];

/** Postal codes from `from` to `to`, compared as text after removing spaces (same-length codes compare as numbers do). */
const postalRange = z.object({ from: z.string().min(1).max(12), to: z.string().min(1).max(12) });

const surcharge = z.discriminatedUnion('kind', [
  /** A percentage on the base price (fuel, toll). */
  z.object({ kind: z.literal('fuel'), percent: z.number().min(0).max(100) }),
  /** A parcel longer than this pays this much more. */
  z.object({ kind: z.literal('oversize'), overLengthCm: z.number().positive().max(1000), amount: minorUnits }),
  /** Parcels to this zone pay this much more (islands, remote areas). */
  z.object({ kind: z.literal('zone'), zone: identifier, amount: minorUnits }),
  /** Dangerous goods (a service must allow them). */
  z.object({ kind: z.literal('hazmat'), amount: minorUnits }),
]);

const carrierService = z.object({
  id: identifier,
  name: z.string().min(1).max(100).optional(),
  level: z.enum(SERVICE_LEVELS),
  /** Working days from handover to delivery, per zone id; a zone not listed is not served. */
  transitDays: z.record(identifier, z.number().int().min(0).max(60)),
  /** Weight bands: the price of a parcel up to `upToGrams` into `zone` (the smallest band that fits is used). */
  prices: z
    .array(z.object({ zone: identifier, upToGrams: z.number().int().min(1).max(1_000_000), price: minorUnits }))
    .min(1)
    .max(2000),
  maxWeightGrams: z.number().int().min(1).max(1_000_000),
  /** Longest side. */
  maxLengthCm: z.number().positive().max(1000).optional(),
  /** Length plus twice width plus twice height. */
  maxGirthCm: z.number().positive().max(3000).optional(),
  /** Takes dangerous goods (default false). */
  hazmat: z.boolean().default(false),
});

/**
 * A carrier's tariff as data: zones by country and postal-code range (the first zone that matches a
 * parcel's address is its zone), services with service level, transit days and weight-band prices, and
 * surcharges. Enough to model the usual parcel tariffs (docs/carriers.md).
 */
export const carrierTariffSchema = z
  .object({
    currency: currencyCode,
    zones: z
      .array(z.object({ id: identifier, countries: z.array(countryCode).min(1).max(250), postalCodes: z.array(postalRange).max(500).optional() }))
      .min(1)
      .max(200),
    services: z.array(carrierService).min(1).max(20),
    surcharges: z.array(surcharge).max(50).default([]),
  })
  .superRefine((tariff, ctx) => {
    const zones = new Set(tariff.zones.map((z) => z.id));
    tariff.services.forEach((s, i) => {
      s.prices.forEach((p, j) => {
        if (!zones.has(p.zone)) ctx.addIssue({ code: 'custom', path: ['services', i, 'prices', j, 'zone'], message: `no zone ${p.zone}` });
      });
      for (const zone of Object.keys(s.transitDays))
        if (!zones.has(zone)) ctx.addIssue({ code: 'custom', path: ['services', i, 'transitDays', zone], message: `no zone ${zone}` });
    });
    tariff.surcharges.forEach((s, i) => {
      if (s.kind === 'zone' && !zones.has(s.zone)) ctx.addIssue({ code: 'custom', path: ['surcharges', i, 'zone'], message: `no zone ${s.zone}` });
    });
  });
export type CarrierTariff = z.infer<typeof carrierTariffSchema>;

/**
 * How a carrier books: `sandbox` through the carrier sandbox's API (CARRIER_SANDBOX_URL); `table` books
 * itself: the tracking number comes from the carrier's number range (`trackingPrefix` and a number derived
 * from the shipment), and its label is ours.
 */
export const CARRIER_KINDS = ['sandbox', 'table'] as const;

/** A carrier as ops configure it (PUT /v1/carriers/{id}); every field optional on a change. */
export const carrierSettingsSchema = z.object({
  name: z.string().min(1).max(100).optional(),
  kind: z.enum(CARRIER_KINDS).optional(),
  /**
   * How its tracking comes in: `webhook` (default: it pushes signed scans to POST /v1/carriers/{id}/tracking)
   * or `poll` (the carrier service asks its API for the scans of parcels on their way, every TRACKING_POLL_MS).
   */
  tracking: z.enum(['webhook', 'poll']).optional(),
  /** Offered in rate shopping (default true once it has a tariff). */
  active: z.boolean().optional(),
  /** Table carriers: the letters their tracking numbers start with (2-6 capitals). */
  trackingPrefix: z
    .string()
    .regex(/^[A-Z]{2,6}$/, 'must be 2-6 capital letters')
    .optional(),
  tariff: carrierTariffSchema.optional(),
  /**
   * The carrier's public tracking page, with `{trackingNumber}` where the parcel's number goes
   * (`https://track.example.com/?id={trackingNumber}`): the link in the customer's shipping notification.
   */
  trackingUrl: z
    .url({ protocol: /^https$/, error: 'must be an https URL' })
    .max(500)
    .refine((u) => u.includes('{trackingNumber}'), 'must contain {trackingNumber}')
    .optional(),
  /** The secret its tracking webhooks are signed with (never shown again). */
  webhookSecret: z.string().min(16).max(200).optional(),
});
export type CarrierSettings = z.infer<typeof carrierSettingsSchema>;

/** What rate shopping chose for a parcel, and what else it considered (for the order's timeline). */
export const rateChoiceSchema = z.object({
  carrierId: identifier,
  serviceId: identifier,
  level: z.enum(SERVICE_LEVELS),
  price: minorUnits,
  currency: currencyCode,
  transitDays: z.number().int().min(0),
  /** One line per other service: its price and days, or why it could not take the parcel. */
  alternatives: z.array(z.string().max(300)).max(100),
});
export type RateChoice = z.infer<typeof rateChoiceSchema>;
