import { createHash, randomInt, timingSafeEqual } from 'node:crypto';

/** Wrong codes a fulfillment takes (per day) before collecting needs a new code: guessing 6 digits takes far more. */
export const MAX_WRONG_CODES = 10;

/** A fresh 6-digit pickup code (leading zeros kept). */
export const newPickupCode = (): string => String(randomInt(0, 1_000_000)).padStart(6, '0');

/** Stored instead of the code: the code is only the customer's to show. Salted by the fulfillment id. */
export const hashPickupCode = (fulfillmentId: string, code: string): string => createHash('sha256').update(`${fulfillmentId}:${code}`).digest('hex');

/** In constant time. */
export function codeMatches(fulfillmentId: string, code: string, storedHash: string | undefined): boolean {
  if (!storedHash) return false;
  const given = Buffer.from(hashPickupCode(fulfillmentId, code), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored);
}
