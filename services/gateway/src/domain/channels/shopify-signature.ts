import { createHmac, timingSafeEqual } from 'node:crypto';

/** base64 HMAC-SHA256 of the raw body with the channel's secret, compared in constant time. */
export function shopifySignatureValid(rawBody: Buffer, secret: string, header: string | undefined): boolean {
  if (!header) return false;
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  const presented = Buffer.from(header.trim(), 'base64');
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}
