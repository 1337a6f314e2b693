/**
 * Decimal money strings (as Shopify and CSV files carry them, "19.99") to integer minor units, by the
 * currency's ISO 4217 exponent: string arithmetic only, never through a float (0.1 + 0.2 problems).
 */
export class MoneyFormatError extends Error {
  override name = 'MoneyFormatError';
}

export function decimalToMinorUnits(value: string | number, exponent: number): number {
  const text = typeof value === 'number' ? numberToPlainString(value) : value.trim();
  const match = /^(\d+)(?:\.(\d*))?$/.exec(text);
  if (!match) throw new MoneyFormatError(`"${text}" is not a non-negative decimal amount`);
  const [, whole, fraction = ''] = match;
  // Extra digits beyond the exponent must be zeros ("19.990" is fine, "19.995" is not a whole minor unit).
  if (/[1-9]/.test(fraction.slice(exponent))) throw new MoneyFormatError(`"${text}" has more than ${exponent} decimals`);
  const digits = `${whole}${fraction.slice(0, exponent).padEnd(exponent, '0')}`.replace(/^0+(?=\d)/, '');
  const minor = Number(digits);
  if (!Number.isSafeInteger(minor)) throw new MoneyFormatError(`"${text}" is too large`);
  return minor;
}

/** JSON numbers (some payloads send 19.99 instead of "19.99"): their shortest decimal form, never exponent notation. */
function numberToPlainString(value: number): string {
  if (!Number.isFinite(value) || value < 0) throw new MoneyFormatError(`${value} is not a non-negative amount`);
  const text = String(value);
  if (/e/i.test(text)) throw new MoneyFormatError(`${value} is out of range`);
  return text;
}
