import { isIP } from 'node:net';
import { z } from 'zod';
import { canonicalOrderSchema, currencyExponent, type CanonicalOrder } from '@oms/contracts';
import { zodFieldErrors } from '@oms/errors';
import { decimalToMinorUnits, MoneyFormatError } from '../intake/money';

/**
 * Shopify's `orders/create` webhook body (the REST Admin API Order resource), as far as the canonical order
 * needs it. Everything else is allowed (`loose`) and kept in the order's `source`.
 */
const decimal = z.union([z.string(), z.number()]);
/** The part of a discount application (by index into `discount_applications`) that falls on a line or on shipping. */
const discountAllocations = z.array(z.object({ amount: decimal, discount_application_index: z.number().int().min(0).nullish() }).loose()).nullish();
const taxLines = z.array(z.object({ price: decimal, rate: z.number().min(0).max(1), title: z.string().nullish() }).loose()).nullish();
const shopifyAddress = z
  .object({
    first_name: z.string().nullish(),
    last_name: z.string().nullish(),
    name: z.string().nullish(),
    company: z.string().nullish(),
    address1: z.string().nullish(),
    address2: z.string().nullish(),
    city: z.string().nullish(),
    zip: z.string().nullish(),
    province: z.string().nullish(),
    province_code: z.string().nullish(),
    country_code: z.string().nullish(),
    phone: z.string().nullish(),
  })
  .loose();

export const shopifyOrderSchema = z
  .object({
    id: z.union([z.number().positive(), z.string().regex(/^\d+$/)]),
    admin_graphql_api_id: z.string().nullish(),
    name: z.string().nullish(),
    email: z.string().nullish(),
    contact_email: z.string().nullish(),
    phone: z.string().nullish(),
    currency: z.string(),
    total_price: decimal,
    financial_status: z.string().nullish(),
    gateway: z.string().nullish(),
    payment_gateway_names: z.array(z.string()).nullish(),
    checkout_token: z.string().nullish(),
    browser_ip: z.string().nullish(),
    client_details: z.object({ browser_ip: z.string().nullish() }).loose().nullish(),
    token: z.string().nullish(),
    customer: z
      .object({ email: z.string().nullish(), first_name: z.string().nullish(), last_name: z.string().nullish(), phone: z.string().nullish() })
      .loose()
      .nullish(),
    shipping_address: shopifyAddress.nullish(),
    billing_address: shopifyAddress.nullish(),
    line_items: z
      .array(
        z
          .object({
            id: z.union([z.number(), z.string()]).nullish(),
            sku: z.string().nullish(),
            variant_id: z.union([z.number(), z.string()]).nullish(),
            title: z.string().nullish(),
            name: z.string().nullish(),
            quantity: z.number(),
            price: decimal,
            discount_allocations: discountAllocations,
            tax_lines: taxLines,
          })
          .loose(),
      )
      .min(1),
    shipping_lines: z
      .array(
        z
          .object({ title: z.string().nullish(), code: z.string().nullish(), price: decimal, discount_allocations: discountAllocations, tax_lines: taxLines })
          .loose(),
      )
      .nullish(),
    taxes_included: z.boolean().nullish(),
    discount_applications: z
      .array(z.object({ type: z.string().nullish(), code: z.string().nullish(), title: z.string().nullish(), description: z.string().nullish() }).loose())
      .nullish(),
    /** Not in the webhook Shopify sends, but in an order read with its transactions: gift cards show there. */
    transactions: z
      .array(
        z
          .object({
            gateway: z.string().nullish(),
            kind: z.string().nullish(),
            status: z.string().nullish(),
            amount: decimal,
            id: z.union([z.number(), z.string()]).nullish(),
          })
          .loose(),
      )
      .nullish(),
  })
  .loose();

export type ShopifyOrder = z.infer<typeof shopifyOrderSchema>;

export interface MappingProblem {
  path: string;
  message: string;
}

/** The canonical order fields this mapping produces (validated afterwards by canonicalOrderSchema). */
type MappedAddress = { name: string; line1: string; line2?: string; postalCode: string; city: string; region?: string; country: string };
type MappedDiscount = { amount: number; code?: string; reason?: string };
type MappedTax = { title: string; rate: number; amount: number };

export interface MappedOrder {
  channel: string;
  externalId: string;
  currency: string;
  customer: { email: string; name: string; phone?: string; ip?: string };
  shippingAddress: MappedAddress;
  billingAddress?: MappedAddress;
  lines: Array<{ sku: string; quantity: number; unitPrice: number; name?: string; discounts?: MappedDiscount[]; taxes?: MappedTax[] }>;
  taxesIncluded: boolean;
  shipping: { method: string; price: number; discounts?: MappedDiscount[]; taxes?: MappedTax[] };
  payment: { method: string; provider: string; reference: string; amount: number; giftCards?: Array<{ reference: string; amount: number }> };
  source: Record<string, unknown>;
}

/** Top-level fields the canonical order carries; the rest of the payload goes into `source.shopify`. */
const MAPPED_FIELDS = new Set([
  'email',
  'contact_email',
  'phone',
  'currency',
  'line_items',
  'shipping_address',
  'billing_address',
  'shipping_lines',
  'customer',
  'taxes_included',
  'transactions',
]);

const clip = (value: string, max: number) => (value.length > max ? value.slice(0, max) : value);
const text = (value: string | null | undefined) => (value ?? '').trim();
const joinName = (first?: string | null, last?: string | null) => [text(first), text(last)].filter(Boolean).join(' ');

/**
 * The Shopify order id, exactly: JSON numbers above 2^53 lose digits when parsed, so the GraphQL id
 * (`gid://shopify/Order/<id>`, a string) is preferred when Shopify sends it.
 */
export function shopifyOrderId(order: Pick<ShopifyOrder, 'id' | 'admin_graphql_api_id'>): string {
  const gid = /^gid:\/\/shopify\/Order\/(\d+)$/.exec(order.admin_graphql_api_id ?? '');
  return gid ? gid[1] : String(order.id);
}

type ShopifyAddress = z.infer<typeof shopifyAddress>;

function addressOf(address: ShopifyAddress, fallbackName: string): MappedAddress {
  return {
    name: clip(text(address.name) || joinName(address.first_name, address.last_name) || fallbackName, 200),
    line1: text(address.address1),
    ...(text(address.address2) ? { line2: text(address.address2) } : {}),
    postalCode: text(address.zip),
    city: text(address.city),
    ...(text(address.province_code) || text(address.province) ? { region: text(address.province_code) || text(address.province) } : {}),
    country: text(address.country_code).toUpperCase(),
  };
}

/** Shopify Payments (and the test gateway) take cards; other gateways are named as they are. */
function paymentMethodOf(order: ShopifyOrder): string {
  const gateways = order.payment_gateway_names?.length ? order.payment_gateway_names : order.gateway ? [order.gateway] : [];
  const first = gateways[0];
  if (!first || /shopify_payments|bogus|credit|card/i.test(first)) return 'card';
  return clip(first.toLowerCase().replace(/\s+/g, '_'), 50);
}

/** Keys MongoDB must not see (operators, dotted paths) are dropped from the kept payload. */
function storable(value: unknown, depth = 0): unknown {
  if (depth > 20) return undefined;
  if (Array.isArray(value)) return value.map((v) => storable(v, depth + 1));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (!k.startsWith('$') && !k.includes('.')) out[k] = storable(v, depth + 1);
    return out;
  }
  return value;
}

/**
 * Shopify order → canonical order. Money: decimal strings in the shop currency → minor units by the
 * currency's ISO 4217 exponent (`exponent`), string arithmetic only. Returns the problems found instead
 * of throwing, each with the Shopify field path, so the webhook's 422 points at what Shopify sent.
 */
export function mapShopifyOrder(
  order: ShopifyOrder,
  channel: string,
  exponent: number,
  webhookId?: string,
): { order: MappedOrder; problems: [] } | { order?: undefined; problems: MappingProblem[] } {
  const problems: MappingProblem[] = [];
  const money = (value: string | number, path: string) => {
    try {
      return decimalToMinorUnits(value, exponent);
    } catch (err) {
      problems.push({ path, message: err instanceof MoneyFormatError ? err.message : 'is not an amount' });
      return 0;
    }
  };
  const externalId = shopifyOrderId(order);
  if (externalId === String(order.id) && typeof order.id === 'number' && !Number.isSafeInteger(order.id))
    problems.push({ path: 'id', message: 'is beyond exact JSON number precision and admin_graphql_api_id is missing' });
  const ship = order.shipping_address ?? {};
  const applications = order.discount_applications ?? [];
  // Shopify allocates every discount (line, order or shipping) as amounts per line and per shipping line.
  const discountsOf = (allocations: z.infer<typeof discountAllocations>, path: string): MappedDiscount[] =>
    (allocations ?? [])
      .map((a, i) => {
        const application = a.discount_application_index != null ? applications[a.discount_application_index] : undefined;
        const code = text(application?.code);
        const reason = text(application?.title) || text(application?.description) || text(application?.type);
        return { amount: money(a.amount, `${path}.${i}.amount`), ...(code ? { code: clip(code, 100) } : reason ? { reason: clip(reason, 200) } : {}) };
      })
      .filter((d) => d.amount > 0);
  const taxesOf = (lines: z.infer<typeof taxLines>, path: string): MappedTax[] =>
    (lines ?? []).map((t, i) => ({ title: clip(text(t.title) || 'tax', 50), rate: t.rate, amount: money(t.price, `${path}.${i}.price`) }));
  const withList = <K extends string, T>(key: K, list: T[]) => (list.length ? ({ [key]: list } as Record<K, T[]>) : {});
  const customerName = joinName(order.customer?.first_name, order.customer?.last_name) || text(ship.name) || joinName(ship.first_name, ship.last_name);
  const shippingLines = order.shipping_lines ?? [];
  const giftCards = (order.transactions ?? [])
    .filter((t) => t.gateway === 'gift_card' && t.status === 'success' && ['sale', 'capture', 'authorization'].includes(t.kind ?? ''))
    .map((t, i) => ({
      reference: clip(t.id != null ? `shopify-transaction-${t.id}` : `gift-card-${i + 1}`, 200),
      amount: money(t.amount, `transactions.${i}.amount`),
    }));
  const giftCardTotal = giftCards.reduce((sum, g) => sum + g.amount, 0);
  const phone = text(order.phone) || text(order.customer?.phone) || text(ship.phone);
  // Fraud screening counts orders per IP; a malformed one is left out rather than refusing the order.
  const ip = text(order.browser_ip) || text(order.client_details?.browser_ip);

  const mapped: MappedOrder = {
    channel,
    externalId,
    currency: order.currency,
    customer: {
      email: text(order.email) || text(order.contact_email) || text(order.customer?.email),
      name: clip(customerName, 200),
      ...(phone ? { phone: clip(phone, 40) } : {}),
      ...(ip && isIP(ip) ? { ip } : {}),
    },
    shippingAddress: addressOf(ship, customerName),
    // Kept only when it is an address (a shop selling downloads may send a name and country alone).
    ...(order.billing_address && text(order.billing_address.address1) ? { billingAddress: addressOf(order.billing_address, customerName) } : {}),
    lines: order.line_items.map((item, i) => ({
      // A line without a SKU is still sellable in Shopify; its variant id identifies the article.
      sku: text(item.sku) || (item.variant_id != null ? `shopify-variant-${item.variant_id}` : ''),
      quantity: item.quantity,
      unitPrice: money(item.price, `line_items.${i}.price`),
      ...(text(item.name) || text(item.title) ? { name: clip(text(item.name) || text(item.title), 200) } : {}),
      ...withList('discounts', discountsOf(item.discount_allocations, `line_items.${i}.discount_allocations`)),
      ...withList('taxes', taxesOf(item.tax_lines, `line_items.${i}.tax_lines`)),
    })),
    taxesIncluded: order.taxes_included ?? false,
    shipping: {
      method: clip(text(shippingLines[0]?.code) || text(shippingLines[0]?.title) || (shippingLines.length ? 'shopify' : 'none'), 50),
      price: shippingLines.reduce((sum, line, i) => sum + money(line.price, `shipping_lines.${i}.price`), 0),
      ...withList(
        'discounts',
        shippingLines.flatMap((line, i) => discountsOf(line.discount_allocations, `shipping_lines.${i}.discount_allocations`)),
      ),
      ...withList(
        'taxes',
        shippingLines.flatMap((line, i) => taxesOf(line.tax_lines, `shipping_lines.${i}.tax_lines`)),
      ),
    },
    payment: {
      method: paymentMethodOf(order),
      provider: 'shopify',
      reference: clip(text(order.checkout_token) || externalId, 200),
      // total_price is the whole order; gift cards pay part of it, the method the rest.
      amount: Math.max(0, money(order.total_price, 'total_price') - giftCardTotal),
      ...withList('giftCards', giftCards),
    },
    source: {
      system: 'shopify',
      ...(webhookId ? { webhookId } : {}),
      // Kept as sent, for reference: order number, financial status, gateways, taxes, discounts, ids...
      shopify: storable(Object.fromEntries(Object.entries(order).filter(([k]) => !MAPPED_FIELDS.has(k)))),
      lineItems: storable(order.line_items.map(({ id, variant_id, product_id, sku }) => ({ id, variant_id, product_id, sku }))),
    },
  };
  return problems.length ? { problems } : { order: mapped, problems: [] };
}

/** Canonical field paths → the Shopify fields they came from, so a 422 names what Shopify sent. */
export function shopifyPathOf(canonicalPath: string): string {
  const rules: Array<[RegExp, string]> = [
    [/^customer\.email$/, 'email'],
    [/^customer\.name$/, 'customer.first_name'],
    [/^customer\.phone$/, 'phone'],
    [/^shippingAddress\.name$/, 'shipping_address.name'],
    [/^shippingAddress\.line1$/, 'shipping_address.address1'],
    [/^shippingAddress\.line2$/, 'shipping_address.address2'],
    [/^shippingAddress\.postalCode$/, 'shipping_address.zip'],
    [/^shippingAddress\.city$/, 'shipping_address.city'],
    [/^shippingAddress\.region$/, 'shipping_address.province_code'],
    [/^shippingAddress\.country$/, 'shipping_address.country_code'],
    [/^shippingAddress$/, 'shipping_address'],
    [/^billingAddress\.name$/, 'billing_address.name'],
    [/^billingAddress\.line1$/, 'billing_address.address1'],
    [/^billingAddress\.line2$/, 'billing_address.address2'],
    [/^billingAddress\.postalCode$/, 'billing_address.zip'],
    [/^billingAddress\.city$/, 'billing_address.city'],
    [/^billingAddress\.region$/, 'billing_address.province_code'],
    [/^billingAddress\.country$/, 'billing_address.country_code'],
    [/^lines\.(\d+)\.discounts\.(\d+)\./, 'line_items.$1.discount_allocations.$2.'],
    [/^lines\.(\d+)\.taxes\.(\d+)\.amount$/, 'line_items.$1.tax_lines.$2.price'],
    [/^lines\.(\d+)\.taxes\.(\d+)\./, 'line_items.$1.tax_lines.$2.'],
    [/^shipping\.discounts/, 'shipping_lines'],
    [/^shipping\.taxes/, 'shipping_lines'],
    [/^payment\.giftCards/, 'transactions'],
    [/^lines\.(\d+)\.sku$/, 'line_items.$1.sku'],
    [/^lines\.(\d+)\.quantity$/, 'line_items.$1.quantity'],
    [/^lines\.(\d+)\.unitPrice$/, 'line_items.$1.price'],
    [/^lines\.(\d+)\.name$/, 'line_items.$1.title'],
    [/^lines$/, 'line_items'],
    [/^shipping\.method$/, 'shipping_lines.0.code'],
    [/^shipping\.price$/, 'shipping_lines'],
    [/^payment\.amount$/, 'total_price'],
    [/^payment\./, 'payment_gateway_names'],
    [/^externalId$/, 'id'],
  ];
  for (const [pattern, replacement] of rules) if (pattern.test(canonicalPath)) return canonicalPath.replace(pattern, replacement);
  return canonicalPath;
}

/** A Shopify webhook body as a canonical order, or why not: every problem named by the Shopify field it came from. */
export type ShopifyIntake = { order: CanonicalOrder } | { order?: undefined; detail: string; problems: MappingProblem[] };

/** Validate the Shopify order, map it, and validate the result as the canonical order every intake path takes. */
export function canonicalFromShopify(body: unknown, channel: string, webhookId?: string): ShopifyIntake {
  const parsed = shopifyOrderSchema.safeParse(body);
  if (!parsed.success) return { detail: 'The Shopify order is invalid', problems: zodFieldErrors(parsed.error) };
  const exponent = currencyExponent(parsed.data.currency);
  if (exponent === undefined) return { detail: 'The Shopify order is invalid', problems: [{ path: 'currency', message: 'is not an ISO 4217 currency code' }] };
  const mapped = mapShopifyOrder(parsed.data, channel, exponent, webhookId);
  if (!mapped.order) return { detail: 'The Shopify order is invalid', problems: mapped.problems };
  const order = canonicalOrderSchema.safeParse(mapped.order);
  if (!order.success)
    return {
      detail: 'The Shopify order cannot be taken as an order',
      problems: zodFieldErrors(order.error).map((e) => ({ path: shopifyPathOf(e.path), message: e.message })),
    };
  return { order: order.data };
}
