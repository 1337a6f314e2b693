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
  'shipName',
  'shipLine1',
  'shipLine2',
  'shipPostalCode',
  'shipCity',
  'shipRegion',
  'shipCountry',
  'sku',
  'lineName',
  'quantity',
  'unitPrice',
  'shippingMethod',
  'shippingPrice',
  'paymentMethod',
  'paymentProvider',
  'paymentReference',
  'paymentAmount',
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

/**
 * The canonical order candidate of one order's rows (validated by canonicalOrderSchema afterwards). An empty
 * `currency` takes the channel's default currency; an empty `paymentAmount` is the lines plus shipping.
 */
export function orderFromRows(rows: CsvRow[], channel: string, defaultCurrency: string | undefined): Record<string, unknown> {
  const first = rows[0].record;
  const lines = rows.map(({ record }) => ({
    sku: record.sku ?? '',
    quantity: integer(record.quantity),
    unitPrice: integer(record.unitPrice),
    name: optional(record.lineName),
  }));
  const shippingPrice = integer(first.shippingPrice) ?? 0;
  const computedAmount = lines.reduce<number | undefined>(
    (sum, l) => (sum !== undefined && typeof l.quantity === 'number' && typeof l.unitPrice === 'number' ? sum + l.quantity * l.unitPrice : undefined),
    typeof shippingPrice === 'number' ? shippingPrice : undefined,
  );
  return {
    channel,
    externalId: first.externalId ?? '',
    currency: first.currency || defaultCurrency || '',
    customer: { email: first.customerEmail ?? '', name: first.customerName ?? '', phone: optional(first.customerPhone) },
    shippingAddress: {
      name: first.shipName || first.customerName || '',
      line1: first.shipLine1 ?? '',
      line2: optional(first.shipLine2),
      postalCode: first.shipPostalCode ?? '',
      city: first.shipCity ?? '',
      region: optional(first.shipRegion),
      country: first.shipCountry ?? '',
    },
    lines,
    shipping: { method: first.shippingMethod || 'standard', price: shippingPrice },
    payment: {
      method: first.paymentMethod || 'invoice',
      provider: first.paymentProvider || 'csv',
      reference: first.paymentReference || first.externalId || '',
      amount: integer(first.paymentAmount) ?? computedAmount ?? 0,
    },
  };
}

const COLUMN_OF_PATH: Record<string, CsvColumn> = {
  channel: 'channel',
  externalId: 'externalId',
  currency: 'currency',
  'customer.email': 'customerEmail',
  'customer.name': 'customerName',
  'customer.phone': 'customerPhone',
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

/** A canonical field error as the CSV author sees it: column and line (`unitPrice (line 7): ...`). */
export function csvReason(path: string, message: string, rows: CsvRow[]): string {
  const lineField = /^lines\.(\d+)\.(\w+)$/.exec(path);
  if (lineField) {
    const row = rows[Number(lineField[1])];
    return `${COLUMN_OF_PATH[lineField[2]] ?? lineField[2]} (line ${row?.line ?? '?'}): ${message}`;
  }
  if (path === 'lines') return `lines: ${message} (an order has at most ${MAX_ROWS_PER_ORDER} lines)`;
  return `${COLUMN_OF_PATH[path] ?? path}: ${message}`;
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
