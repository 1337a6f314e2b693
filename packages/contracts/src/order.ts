import currencyCodes from 'currency-codes';
import countries from 'i18n-iso-countries';
import { postcodeValidator, postcodeValidatorExistsForCountry } from 'postcode-validator';
import { z } from 'zod';
import { orderTotals, type OrderTotals } from './order-totals';

/** Money is always an integer number of minor units (docs/consistency.md). */
export const minorUnits = z.number().int('must be a whole number of minor units (cents), not a decimal').min(0).max(1_000_000_000_000);

/** ISO 4217 codes for "no currency" and testing: never the currency of an order. */
const NOT_MONEY = new Set(['XXX', 'XTS']);

/**
 * Digits after the decimal point by ISO 4217 code. Built once: `currencyCodes.code()` searches its list from
 * the start, and every order and every money event asks at least once.
 */
const DIGITS = new Map(currencyCodes.data.filter((c) => !NOT_MONEY.has(c.code)).map((c) => [c.code, c.digits]));

/** Digits after the decimal point of an ISO 4217 currency (EUR 2, JPY 0, KWD 3); undefined if unknown. */
export function currencyExponent(code: string): number | undefined {
  return DIGITS.get(code);
}

export const currencyCode = z
  .string()
  .regex(/^[A-Z]{3}$/, { message: 'must be an ISO 4217 code such as EUR', abort: true })
  .refine((c) => currencyExponent(c) !== undefined, 'is not an ISO 4217 currency code');
export const countryCode = z
  .string()
  .regex(/^[A-Z]{2}$/, { message: 'must be an ISO 3166-1 alpha-2 code such as DE', abort: true })
  .refine((c) => countries.isValid(c), 'is not an ISO 3166-1 alpha-2 country code');
export const sku = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, dot, dash and underscore only');
export const quantity = z.number().int('must be a whole number').min(1).max(10_000);
export const identifier = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits, dot, colon, dash and underscore only');

/**
 * Free text from a client. U+0000 is refused: PostgreSQL (under FerretDB) cannot store it, and an order
 * accepted with it could never be stored.
 */
export const text = (min: number, max: number) =>
  z
    .string()
    .min(min)
    .max(max)
    .refine((v) => !v.includes('\u0000'), 'may not contain U+0000');

/** A postal code is checked against its country's format; countries the validator does not know pass. */
export function postalCodeFits(postalCode: string, country: string): boolean {
  if (!postcodeValidatorExistsForCountry(country)) return true;
  try {
    return postcodeValidator(postalCode, country);
  } catch {
    return true;
  }
}

export const addressSchema = z
  .object({
    name: text(1, 200),
    line1: text(1, 200),
    line2: text(0, 200).optional(),
    postalCode: text(1, 20),
    city: text(1, 100),
    region: text(0, 100).optional(),
    country: countryCode,
  })
  .superRefine((address, ctx) => {
    if (typeof address.postalCode !== 'string' || typeof address.country !== 'string') return; // reported by the fields
    if (!postalCodeFits(address.postalCode, address.country))
      ctx.addIssue({ code: 'custom', path: ['postalCode'], message: `is not a valid postal code for ${address.country}` });
  });

/** A discount: a fixed amount or a percentage of what it applies to, with the code or reason that gave it. */
export const discountSchema = z
  .object({
    amount: minorUnits.optional(),
    percentage: z.number().gt(0).max(100).optional().describe('10 for 10 %'),
    code: text(1, 100).optional(),
    reason: text(1, 200).optional(),
  })
  .refine((d) => (d.amount === undefined) !== (d.percentage === undefined), 'give either amount or percentage');

/** A tax on a line or on shipping: its rate, and its amount when the channel computed it (else derived from the rate). */
export const taxSchema = z.object({
  title: text(1, 50),
  rate: z.number().min(0).max(1).describe('As a fraction: 0.19 for 19 %'),
  amount: minorUnits.optional(),
});

const discounts = z.array(discountSchema).max(20);
const taxes = z.array(taxSchema).max(10);

export const orderLineSchema = z.object({
  sku,
  quantity,
  /** Before any discount; including tax when the order's taxesIncluded is true. */
  unitPrice: minorUnits,
  name: text(0, 200).optional(),
  /** Discounts on this line (an amount is for the whole line, not per unit). */
  discounts: discounts.optional(),
  taxes: taxes.optional(),
});

/** The canonical order every channel is mapped to. */
export const canonicalOrderSchema = z
  .object({
    channel: identifier,
    externalId: identifier,
    currency: currencyCode,
    customer: z.object({
      email: z.email('must be a valid email address').max(254),
      name: text(1, 200),
      phone: text(0, 40).optional(),
      /** The IP address the order was placed from (fraud screening counts orders per IP). */
      ip: z.union([z.ipv4(), z.ipv6()], { message: 'must be an IPv4 or IPv6 address' }).optional(),
    }),
    shippingAddress: addressSchema,
    billingAddress: addressSchema.optional(),
    lines: z.array(orderLineSchema).min(1).max(500),
    /** Discounts on the whole order: spread over the lines in proportion to their price after their own discounts. */
    discounts: discounts.optional(),
    /** Prices include their taxes (gross prices, as shops show consumers in the EU); default false. */
    taxesIncluded: z.boolean().optional(),
    shipping: z.object({
      method: text(1, 50),
      /** Before its discounts. */
      price: minorUnits,
      discounts: discounts.optional(),
      taxes: taxes.optional(),
      /** Click & collect: the store the customer picks the order up at (its stock is reserved there only). */
      pickupLocationId: identifier.optional(),
    }),
    payment: z.object({
      method: text(1, 50).describe(
        'card, wallet, paypal... (authorized with the provider); invoice or cash_on_delivery; marketplace (collected by the channel)',
      ),
      provider: text(1, 50),
      reference: text(1, 200),
      /** The provider's token or fingerprint of the card, the same for every order paid with it (fraud screening counts orders per card). */
      cardReference: text(1, 200).optional(),
      /** What this payment method covers: the order total less gift cards. */
      amount: minorUnits,
      /** Gift cards redeemed for this order: they pay part of the total, the method the rest. */
      giftCards: z
        .array(z.object({ reference: text(1, 200), amount: minorUnits }))
        .max(10)
        .optional(),
    }),
    /** What the channel sent that the canonical order has no field for (e.g. Shopify's raw order): kept for reference. */
    source: z.record(z.string(), z.unknown()).optional(),
  })
  .superRefine((order, ctx) => {
    if (!order.payment?.giftCards?.length) return;
    // Zod runs this even when a field failed (reported on its own): totals of malformed lines are not computed.
    let totals: OrderTotals;
    try {
      totals = orderTotals(order);
    } catch {
      return;
    }
    if (totals.giftCards > totals.total)
      ctx.addIssue({ code: 'custom', path: ['payment', 'giftCards'], message: `redeem ${totals.giftCards}, more than the order total ${totals.total}` });
  });

export type CanonicalOrder = z.infer<typeof canonicalOrderSchema>;
export type OrderLine = z.infer<typeof orderLineSchema>;
export type Address = z.infer<typeof addressSchema>;

export const ORDER_STATUSES = [
  'received',
  'pending',
  /** Prepayment: waits for the customer's bank transfer before it goes to the warehouse. */
  'awaiting_payment',
  'on_hold',
  'ready_to_fulfill',
  /** Click & collect: the goods wait at the store for the customer (collected: delivered). */
  'ready_for_pickup',
  'packed',
  'shipped',
  'in_transit',
  /** A split order: some of its parcels are delivered, others are still on their way. */
  'partially_delivered',
  'delivered',
  'returned',
  'cancelled',
  'rejected',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const HOLD_REASONS = ['stock_short', 'payment_review', 'address_invalid', 'amount_mismatch', 'customer_decision', 'delivery_exception'] as const;
export type HoldReason = (typeof HOLD_REASONS)[number];

export const TRACKING_STATUSES = ['in_transit', 'out_for_delivery', 'delivered', 'delivery_failed', 'exception', 'returned_to_sender'] as const;
export type TrackingStatus = (typeof TRACKING_STATUSES)[number];

export const itemCondition = z.enum(['resellable', 'damaged']);
