import { orderTotals, type CanonicalOrder } from '@oms/contracts';

/**
 * The CSV order format (docs/intake.md): one row per order line; the rows of one order are consecutive and
 * share `externalId` (and `channel`). Order-level columns are read from the order's first row.
 */
export const CSV_COLUMNS = [
  'externalId',
  'channel',
  'currency',
  'customerEmail',
  'customerName',
  'customerPhone',
  'customerIp',
  'shipName',
  'shipLine1',
  'shipLine2',
  'shipPostalCode',
  'shipCity',
  'shipRegion',
  'shipCountry',
  'billName',
  'billLine1',
  'billLine2',
  'billPostalCode',
  'billCity',
  'billRegion',
  'billCountry',
  'sku',
  'lineName',
  'quantity',
  'unitPrice',
  'lineDiscount',
  'lineDiscountCode',
  'lineTaxRate',
  'taxesIncluded',
  'taxTitle',
  'orderDiscount',
  'orderDiscountPercent',
  'discountCode',
  'shippingMethod',
  'shippingPrice',
  'shippingDiscount',
  'shippingTaxRate',
  'paymentMethod',
  'paymentProvider',
  'paymentReference',
  'paymentAmount',
  'giftCardReference',
  'giftCardAmount',
] as const;
export type CsvColumn = (typeof CSV_COLUMNS)[number];
export const REQUIRED_COLUMNS: CsvColumn[] = ['externalId', 'sku', 'quantity', 'unitPrice'];

export type CsvRecord = Partial<Record<CsvColumn, string>>;
export interface CsvRow {
  /** Line of the file (1 is the header). */
  line: number;
  record: CsvRecord;
}

/** Problems of a header row: unknown columns (typos would silently drop data) and missing required ones. */
export function headerProblems(header: string[]): string[] {
  const known = new Set<string>(CSV_COLUMNS);
  // Each unknown name once, and the known ones said once: a header of a thousand typos stays a short answer.
  const unknown = [...new Set(header.filter((h) => !known.has(h)))];
  const problems = unknown.map((h, i) => `unknown column "${h}"${i === 0 ? ` (known: ${CSV_COLUMNS.join(', ')})` : ''}`);
  for (const required of REQUIRED_COLUMNS) if (!header.includes(required)) problems.push(`missing column "${required}"`);
  if (new Set(header).size !== header.length) problems.push('a column appears twice');
  return problems;
}

/** Whole numbers stay strings when they are not digits, so validation reports them at their column. */
const integer = (value: string | undefined): number | string | undefined => {
  if (value === undefined || value === '') return undefined;
  return /^\d{1,15}$/.test(value) ? Number(value) : value;
};
const optional = (value: string | undefined) => (value ? value : undefined);
/** A decimal (a tax rate 0.19, a percentage 10 or 12.5); anything else stays a string for validation to report. */
const decimal = (value: string | undefined): number | string | undefined => {
  if (value === undefined || value === '') return undefined;
  return /^\d{1,15}(\.\d{1,10})?$/.test(value) ? Number(value) : value;
};
const BOOLEAN: Record<string, boolean> = { true: true, yes: true, '1': true, false: false, no: false, '0': false };
const boolean = (value: string | undefined): boolean | string | undefined =>
  value === undefined || value === '' ? undefined : (BOOLEAN[value.toLowerCase()] ?? value);
/** A tax at `rate` (a fraction: 0.19) with the file's tax title, or none. */
const taxAt = (rate: string | undefined, title: string) => (rate ? [{ title, rate: decimal(rate) }] : undefined);

/**
 * The canonical order candidate of one order's rows (validated by canonicalOrderSchema afterwards). An empty
 * `currency` takes the channel's default currency; an empty `paymentAmount` is the amount due (orderTotals:
 * lines and shipping less discounts, with taxes, less gift cards).
 */
export function orderFromRows(rows: CsvRow[], channel: string, defaultCurrency: string | undefined): Record<string, unknown> {
  const first = rows[0].record;
  const taxTitle = first.taxTitle || 'VAT';
  const lines = rows.map(({ record }) => ({
    sku: record.sku ?? '',
    quantity: integer(record.quantity),
    unitPrice: integer(record.unitPrice),
    name: optional(record.lineName),
    discounts: record.lineDiscount ? [{ amount: integer(record.lineDiscount), code: optional(record.lineDiscountCode) }] : undefined,
    taxes: taxAt(record.lineTaxRate, taxTitle),
  }));
  const orderDiscount = first.orderDiscount
    ? { amount: integer(first.orderDiscount), code: optional(first.discountCode) }
    : first.orderDiscountPercent
      ? { percentage: decimal(first.orderDiscountPercent), code: optional(first.discountCode) }
      : undefined;
  const billed = [first.billLine1, first.billPostalCode, first.billCity, first.billCountry].some(Boolean);
  const order: Record<string, unknown> = {
    channel,
    externalId: first.externalId ?? '',
    currency: first.currency || defaultCurrency || '',
    customer: { email: first.customerEmail ?? '', name: first.customerName ?? '', phone: optional(first.customerPhone), ip: optional(first.customerIp) },
    shippingAddress: addressFrom(first, 'ship'),
    ...(billed ? { billingAddress: addressFrom(first, 'bill') } : {}),
    lines,
    ...(orderDiscount ? { discounts: [orderDiscount] } : {}),
    ...(first.taxesIncluded ? { taxesIncluded: boolean(first.taxesIncluded) } : {}),
    shipping: {
      method: first.shippingMethod || 'standard',
      price: integer(first.shippingPrice) ?? 0,
      discounts: first.shippingDiscount ? [{ amount: integer(first.shippingDiscount), code: optional(first.discountCode) }] : undefined,
      taxes: taxAt(first.shippingTaxRate, taxTitle),
    },
    payment: {
      method: first.paymentMethod || 'invoice',
      provider: first.paymentProvider || 'csv',
      reference: first.paymentReference || first.externalId || '',
      amount: integer(first.paymentAmount),
      giftCards: first.giftCardAmount
        ? [{ reference: first.giftCardReference || `${first.externalId}-gift-card`, amount: integer(first.giftCardAmount) }]
        : undefined,
    },
  };
  (order.payment as { amount: unknown }).amount ??= amountDue(order);
  return order;
}

/** The shipping (`ship…` columns) or billing (`bill…`) address of an order's first row; the name defaults to the customer's. */
function addressFrom(record: CsvRecord, prefix: 'ship' | 'bill') {
  const column = (field: string) => record[`${prefix}${field}` as CsvColumn];
  return {
    name: column('Name') || record.customerName || '',
    line1: column('Line1') ?? '',
    line2: optional(column('Line2')),
    postalCode: column('PostalCode') ?? '',
    city: column('City') ?? '',
    region: optional(column('Region')),
    country: column('Country') ?? '',
  };
}

/**
 * What the payment covers when the file does not say: the amount due. The candidate is not validated yet (the
 * caller does that once, and names the bad columns): a malformed one either throws in the integer arithmetic
 * or gives something that is not an amount, and then 0 stands in.
 */
function amountDue(order: Record<string, unknown>): number {
  try {
    const { due } = orderTotals(order as unknown as CanonicalOrder);
    return Number.isSafeInteger(due) && due >= 0 ? due : 0;
  } catch {
    return 0;
  }
}

const COLUMN_OF_PATH: Record<string, CsvColumn> = {
  channel: 'channel',
  externalId: 'externalId',
  currency: 'currency',
  'customer.email': 'customerEmail',
  'customer.name': 'customerName',
  'customer.phone': 'customerPhone',
  'customer.ip': 'customerIp',
  'billingAddress.name': 'billName',
  'billingAddress.line1': 'billLine1',
  'billingAddress.line2': 'billLine2',
  'billingAddress.postalCode': 'billPostalCode',
  'billingAddress.city': 'billCity',
  'billingAddress.region': 'billRegion',
  'billingAddress.country': 'billCountry',
  discounts: 'orderDiscount',
  taxesIncluded: 'taxesIncluded',
  'shipping.discounts': 'shippingDiscount',
  'shipping.taxes': 'shippingTaxRate',
  'payment.giftCards': 'giftCardAmount',
  'shippingAddress.name': 'shipName',
  'shippingAddress.line1': 'shipLine1',
  'shippingAddress.line2': 'shipLine2',
  'shippingAddress.postalCode': 'shipPostalCode',
  'shippingAddress.city': 'shipCity',
  'shippingAddress.region': 'shipRegion',
  'shippingAddress.country': 'shipCountry',
  'shipping.method': 'shippingMethod',
  'shipping.price': 'shippingPrice',
  'payment.method': 'paymentMethod',
  'payment.provider': 'paymentProvider',
  'payment.reference': 'paymentReference',
  'payment.amount': 'paymentAmount',
  sku: 'sku',
  quantity: 'quantity',
  unitPrice: 'unitPrice',
  name: 'lineName',
};

/** The column of a field of an order line (`lines.3.taxes.0.rate` → lineTaxRate). */
const LINE_COLUMN: Record<string, CsvColumn> = {
  sku: 'sku',
  quantity: 'quantity',
  unitPrice: 'unitPrice',
  name: 'lineName',
  discounts: 'lineDiscount',
  taxes: 'lineTaxRate',
};

/** The column of a field path: its own, else that of its closest parent (`shipping.taxes.0.rate` → shippingTaxRate). */
function columnOf(path: string): string {
  for (let p = path; p; p = p.includes('.') ? p.slice(0, p.lastIndexOf('.')) : '') if (COLUMN_OF_PATH[p]) return COLUMN_OF_PATH[p];
  return path;
}

/** A canonical field error as the CSV author sees it: column and line (`unitPrice (line 7): ...`). */
export function csvReason(path: string, message: string, rows: CsvRow[]): string {
  const lineField = /^lines\.(\d+)\.(\w+)/.exec(path);
  if (lineField) {
    const row = rows[Number(lineField[1])];
    return `${LINE_COLUMN[lineField[2]] ?? lineField[2]} (line ${row?.line ?? '?'}): ${message}`;
  }
  if (path === 'lines') return `lines: ${message} (an order has at most ${MAX_ROWS_PER_ORDER} lines)`;
  return `${columnOf(path)}: ${message}`;
}

/** Why a row belongs to no order: it names no order id, or no channel (neither a column value nor `?channel=`). */
export function rowWithoutOrder(externalId: string, channel: string): string | undefined {
  if (!externalId) return 'externalId: is empty';
  if (!channel) return 'channel: is empty (add a channel column or ?channel=)';
  return undefined;
}

/** Rows (order lines) of one order in a CSV file: the canonical order's limit of lines. */
export const MAX_ROWS_PER_ORDER = 500;

/** The rows of one order, or why the order is refused without looking at them. */
export interface OrderRows {
  key: string;
  channel: string;
  rows: CsvRow[];
  refused?: string;
}

/**
 * Groups the rows of a file into orders while they are read, in bounded memory: the rows of one order
 * (channel and externalId) are consecutive. An order id that appears again after other rows is refused,
 * since its first rows were taken as a complete order already.
 */
export class ConsecutiveOrderRows {
  private readonly finished = new Set<string>();
  private current: OrderRows | undefined;

  /** Adds a row; answers the order it completes (the one before it), if any. */
  add(row: CsvRow, channel: string, externalId: string): OrderRows | undefined {
    const key = `${channel}\u001f${externalId}`;
    if (this.current?.key === key) {
      // Rows past the limit are not kept: an order of a million rows must not hold them all in memory.
      if (this.current.rows.length < MAX_ROWS_PER_ORDER) this.current.rows.push(row);
      else this.current.refused ??= `lines: an order has at most ${MAX_ROWS_PER_ORDER} rows (lines); this one has more`;
      return undefined;
    }
    const completed = this.end();
    this.current = this.finished.has(key)
      ? { key, channel, rows: [row], refused: `externalId: order ${externalId} appeared earlier in the file; the rows of one order must be consecutive` }
      : { key, channel, rows: [row] };
    return completed;
  }

  /** Completes the order being collected (at the end of the file). */
  end(): OrderRows | undefined {
    const completed = this.current;
    if (!completed) return undefined;
    this.current = undefined;
    this.finished.add(completed.key);
    return completed;
  }
}
