import { createHash } from 'node:crypto';

/** A UUID-shaped id derived from its parts: the same cause always yields the same event id. */
export function deterministicId(...parts: string[]): string {
  const h = createHash('sha256').update(parts.join('\u001f')).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** An order's id: derived from its channel and the channel's id for it, so a resend is the same order. */
export const orderIdOf = (channel: string, externalId: string) => deterministicId('order', channel, externalId);
