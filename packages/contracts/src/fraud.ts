import { z } from 'zod';
import { addressSchema, countryCode, minorUnits, text } from './order';

/**
 * Fraud screening's configuration and vocabulary, shared by payment-check (which screens) and the gateway
 * (which validates `PUT /v1/fraud/rules` and the blocklist routes). docs/fraud.md explains each rule.
 */

const rule = { enabled: z.boolean(), weight: z.number().int().min(0).max(1000) };

export const VELOCITY_KINDS = ['email', 'phone', 'card', 'ip', 'address'] as const;
export type VelocityKind = (typeof VELOCITY_KINDS)[number];

export const fraudRulesSchema = z
  .object({
    /** A score at or above this holds the order `payment_review` for ops to decide. */
    reviewAt: z.number().int().min(1).max(10_000),
    /** A score at or above this rejects the order at once (no authorization is asked for). */
    rejectAt: z.number().int().min(1).max(10_000),
    /** The email, phone, IP or shipping address is on a blocklist. */
    blocklist: z.object(rule),
    /** The email's domain is a known disposable-mail domain (a shipped list). */
    disposableEmail: z.object(rule),
    /** Billing and shipping addresses are in different countries. */
    countryMismatch: z.object(rule),
    /**
     * The order total is more than `factor` times the customer's average earlier order (same email, same
     * currency), or, for a customer without earlier orders, more than `firstOrderAbove` minor units.
     */
    highValue: z.object({ ...rule, factor: z.number().min(1).max(1000), firstOrderAbove: minorUnits }),
    /** Express shipping (one of `methods`) to an address the customer has not ordered to before (so every first order). */
    expressToNewAddress: z.object({ ...rule, methods: z.array(text(1, 50)).max(50) }),
    /**
     * More than `limits[kind]` orders with the same email, phone, card reference, IP or shipping address within
     * `windowMinutes`; the weight counts once per kind over its limit.
     */
    velocity: z.object({
      ...rule,
      windowMinutes: z
        .number()
        .int()
        .min(1)
        .max(7 * 24 * 60),
      limits: z.object(Object.fromEntries(VELOCITY_KINDS.map((k) => [k, z.number().int().min(1).max(10_000)])) as Record<VelocityKind, z.ZodNumber>),
    }),
  })
  .strict()
  .refine((r) => r.reviewAt < r.rejectAt, { message: 'reviewAt must be below rejectAt', path: ['reviewAt'] });

export type FraudRules = z.infer<typeof fraudRulesSchema>;

/** The rules a fresh installation screens with (until `PUT /v1/fraud/rules` replaces them). */
export const DEFAULT_FRAUD_RULES: FraudRules = {
  reviewAt: 50,
  rejectAt: 100,
  blocklist: { enabled: true, weight: 100 },
  disposableEmail: { enabled: true, weight: 40 },
  countryMismatch: { enabled: true, weight: 20 },
  highValue: { enabled: true, weight: 30, factor: 5, firstOrderAbove: 100_000 },
  expressToNewAddress: { enabled: true, weight: 15, methods: ['express', 'overnight', 'next_day', 'same_day'] },
  velocity: { enabled: true, weight: 35, windowMinutes: 60, limits: { email: 3, phone: 3, card: 3, ip: 5, address: 3 } },
};

export const BLOCKLIST_KINDS = ['email', 'phone', 'address', 'ip'] as const;
export type BlocklistKind = (typeof BLOCKLIST_KINDS)[number];

/**
 * The one spelling of a blocklisted (or velocity-counted) value, so that `Max@Example.com` and
 * `max@example.com` are the same customer: emails and IPs lower-cased, phones reduced to `+` and digits,
 * addresses as `COUNTRY:POSTALCODE:street` (upper-case country and postal code without spaces, lower-case
 * street with single spaces), e.g. `DE:10115:invalidenstraße 1`.
 */
export function normalizeRiskValue(kind: BlocklistKind, value: string): string {
  const trimmed = value.trim();
  switch (kind) {
    case 'email':
    case 'ip':
      return trimmed.toLowerCase();
    case 'phone':
      return trimmed.replace(/(?!^\+)[^\d]/g, '');
    case 'address': {
      const [country = '', postalCode = '', ...street] = trimmed.split(':');
      return [country.trim().toUpperCase(), postalCode.replace(/\s+/g, '').toUpperCase(), street.join(':').trim().toLowerCase().replace(/\s+/g, ' ')].join(':');
    }
  }
}

/** The blocklist spelling of a shipping address (its first line is the street). */
export const addressRiskValue = (address: { country: string; postalCode: string; line1: string }): string =>
  normalizeRiskValue('address', `${address.country}:${address.postalCode}:${address.line1}`);

/** A blocklist entry as the API takes it (`PUT /v1/fraud/blocklist/{kind}/{value}`). */
export const blocklistEntrySchema = z.object({ reason: text(0, 500).optional() }).strict();

/** What the order tells the screening about itself (sent with `payment.check.v1`). */
export const riskSignalsSchema = z.object({
  email: z.string().max(254),
  phone: z.string().max(40).optional(),
  ip: z.string().max(64).optional(),
  cardReference: z.string().max(200).optional(),
  shippingAddress: addressSchema,
  billingCountry: countryCode.optional(),
  shippingMethod: z.string().max(50),
  /** The order's total (before gift cards), in the order's currency. */
  total: minorUnits,
});
export type RiskSignals = z.infer<typeof riskSignalsSchema>;

/** The screening's verdict, as payment events carry it and the order's timeline shows it. */
export const screeningSchema = z.object({
  score: z.number().int().min(0),
  outcome: z.enum(['approve', 'review', 'reject']),
  reasons: z.array(z.string()),
  /** How long the screening and the payment check took together, in ms. */
  durationMs: z.number().int().min(0).optional(),
});
export type Screening = z.infer<typeof screeningSchema>;
