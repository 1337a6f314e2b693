import { Refusal } from '@oms/errors';

/** A SKU's substitutes are other SKUs: offering the short SKU itself would offer nothing. */
export function checkSubstitutes(sku: string, substitutes: string[]): void {
  if (substitutes.includes(sku))
    throw new Refusal('invalid', 'A SKU cannot substitute itself', [{ path: 'substitutes', message: `${sku} cannot substitute itself` }]);
}
