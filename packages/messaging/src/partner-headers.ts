import { isCommand, PARTNER_HEADER, type Envelope } from '@oms/contracts';

/**
 * The header that routes an event to its 3PL partner's queue (docs/partners.md): `oms-partner: <carrierId>`
 * when the event's data names a carrier, nothing otherwise. Derived here, on every publish, so that no
 * producer can forget it and an outbox entry stored before it existed gets it too. Commands never go to
 * partners.
 */
export function partnerHeaders(envelope: Pick<Envelope, 'type' | 'data'>): Record<string, string> {
  if (isCommand(envelope.type)) return {};
  const data = envelope.data as { carrierId?: unknown } | null | undefined;
  const carrierId = typeof data === 'object' && data !== null ? data.carrierId : undefined;
  return typeof carrierId === 'string' && carrierId.length > 0 ? { [PARTNER_HEADER]: carrierId } : {};
}
