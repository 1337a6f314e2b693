import type { FieldError } from '@oms/errors';

export interface OrderedLine {
  sku: string;
  quantity: number;
  unitPrice: number;
}
export interface SkuQuantity {
  sku: string;
  quantity: number;
}

function sumBySku(lines: SkuQuantity[]): Map<string, number> {
  const totals = new Map<string, number>();
  for (const l of lines) totals.set(l.sku, (totals.get(l.sku) ?? 0) + l.quantity);
  return totals;
}

/**
 * What a customer may still ask to return: per sku, what was ordered minus what earlier returns of the
 * order already asked for. Lines of the same sku within one request count together. Returns one field
 * error per offending line (`lines.N.sku` or `lines.N.quantity`); empty when the request is fine.
 */
export function checkReturnRequest(ordered: SkuQuantity[], earlierRequests: SkuQuantity[], requested: SkuQuantity[]): FieldError[] {
  const orderedBySku = sumBySku(ordered);
  const used = sumBySku(earlierRequests);
  const errors: FieldError[] = [];
  requested.forEach((line, i) => {
    const total = orderedBySku.get(line.sku);
    if (total === undefined) {
      errors.push({ path: `lines.${i}.sku`, message: `${line.sku} is not part of the order` });
      return;
    }
    const left = total - (used.get(line.sku) ?? 0);
    if (line.quantity > left) errors.push({ path: `lines.${i}.quantity`, message: `at most ${Math.max(0, left)} of ${line.sku} can still be returned` });
    used.set(line.sku, (used.get(line.sku) ?? 0) + line.quantity);
  });
  return errors;
}

/** A receipt may only hold skus of the return, and per sku no more than the return asked for. */
export function checkReceipt(returnLines: SkuQuantity[], received: SkuQuantity[]): FieldError[] {
  const expected = sumBySku(returnLines);
  const seen = new Map<string, number>();
  const errors: FieldError[] = [];
  received.forEach((line, i) => {
    const allowed = expected.get(line.sku);
    if (allowed === undefined) {
      errors.push({ path: `lines.${i}.sku`, message: `${line.sku} is not part of the return` });
      return;
    }
    const total = (seen.get(line.sku) ?? 0) + line.quantity;
    if (total > allowed) errors.push({ path: `lines.${i}.quantity`, message: `the return expects at most ${allowed} of ${line.sku}` });
    seen.set(line.sku, total);
  });
  return errors;
}

/**
 * The refund for what arrived, in minor units: quantity × unit price, damaged goods included (the customer
 * is refunded; the write-off is our loss). Where an order had the same sku at several prices, the lowest
 * applies, so a refund never exceeds what was paid for those units.
 */
export function refundAmount(ordered: OrderedLine[], received: SkuQuantity[]): number {
  const price = new Map<string, number>();
  for (const l of ordered) price.set(l.sku, Math.min(price.get(l.sku) ?? Number.POSITIVE_INFINITY, l.unitPrice));
  return received.reduce((sum, l) => {
    const unit = price.get(l.sku);
    if (unit === undefined) throw new Error(`no price for ${l.sku}`); // checkReceipt/checkReturnRequest rule this out
    return sum + l.quantity * unit;
  }, 0);
}
