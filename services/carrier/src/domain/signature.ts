import { createHmac, timingSafeEqual } from 'node:crypto';

/** How far a signature's timestamp may be from now, either way (replay window). */
export const SIGNATURE_TOLERANCE_SECONDS = 5 * 60;

export type SignatureCheck = { valid: true } | { valid: false; reason: string };

export interface ParsedSignature {
  timestamp: number;
  /** Every `v1=` value: a sender rotating its secret may sign with both. */
  signatures: string[];
}

const HEX_SHA256 = /^[0-9a-f]{64}$/;

/** `t=<unix seconds>,v1=<hex>` (parts in any order, extra unknown schemes ignored); null when malformed. */
export function parseSignatureHeader(header: string): ParsedSignature | null {
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) return null;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't') {
      if (!/^\d{1,12}$/.test(value) || timestamp !== undefined) return null;
      timestamp = Number(value);
    } else if (key === 'v1') {
      if (!HEX_SHA256.test(value)) return null;
      signatures.push(value);
    }
  }
  if (timestamp === undefined || signatures.length === 0) return null;
  return { timestamp, signatures };
}

/** The hex HMAC-SHA256 of `<t>.<raw body>`. */
export function computeSignature(secret: string, timestamp: number, rawBody: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${rawBody}`, 'utf8').digest('hex');
}

/** The header value a sender puts in `OMS-Signature`. */
export function signatureHeader(secret: string, rawBody: string, timestamp = Math.floor(Date.now() / 1000)): string {
  return `t=${timestamp},v1=${computeSignature(secret, timestamp, rawBody)}`;
}

export interface VerifyInput {
  header: string;
  rawBody: string;
  /** The carrier's webhook secret; undefined while it has none configured. */
  secret: string | undefined;
  nowSeconds?: number;
  toleranceSeconds?: number;
}

/** Check an `OMS-Signature` header against the raw body, in constant time, inside the replay window. */
export function verifySignature({
  header,
  rawBody,
  secret,
  nowSeconds = Math.floor(Date.now() / 1000),
  toleranceSeconds = SIGNATURE_TOLERANCE_SECONDS,
}: VerifyInput): SignatureCheck {
  if (!secret) return { valid: false, reason: 'no webhook secret is configured for this carrier' };
  const parsed = parseSignatureHeader(header);
  if (!parsed) return { valid: false, reason: 'malformed signature header' };
  if (Math.abs(nowSeconds - parsed.timestamp) > toleranceSeconds) return { valid: false, reason: 'timestamp outside the tolerance window' };
  const expected = Buffer.from(computeSignature(secret, parsed.timestamp, rawBody), 'hex');
  // Both sides are 32 bytes (the header parser only accepts 64 hex digits), as timingSafeEqual requires.
  const matches = parsed.signatures.some((s) => timingSafeEqual(Buffer.from(s, 'hex'), expected));
  return matches ? { valid: true } : { valid: false, reason: 'signature does not match' };
}
