import type { PartnerRecord } from './carrier-model';

/** What callers see of a partner's feed record: where it reads, never a password. */
export const toPartnerView = (id: string, p: PartnerRecord) => ({
  id,
  name: p.name,
  amqp: { user: p.user, queue: p.queue, vhost: p.vhost },
  provisionedAt: new Date(p.provisionedAt).toISOString(),
  provisionedBy: p.provisionedBy,
  ...(p.passwordSetAt ? { passwordSetAt: new Date(p.passwordSetAt).toISOString() } : {}),
});
