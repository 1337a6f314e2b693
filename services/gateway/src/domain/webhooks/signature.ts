import { createHmac } from 'node:crypto';

/**
 * Outgoing webhooks are signed as our inbound ones are (the carriers' tracking webhook, docs/security.md):
 * `OMS-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">` with the subscription's secret.
 * The timestamp is part of what is signed, so a receiver can refuse old copies (five minutes is our own window).
 */
export const SIGNATURE_HEADER = 'OMS-Signature';

export function signWebhook(secret: string, rawBody: string, timestamp = Math.floor(Date.now() / 1000)): string {
  const v1 = createHmac('sha256', secret).update(`${timestamp}.${rawBody}`, 'utf8').digest('hex');
  return `t=${timestamp},v1=${v1}`;
}
