import type { CarrierDoc } from './carrier-model';

/** What callers see of a carrier: its settings and tariff, never its secret (only whether it has one). */
export const toCarrierView = (c: Pick<CarrierDoc, '_id' | 'updatedAt'> & Partial<CarrierDoc>) => ({
  id: c._id,
  configured: true,
  ...(c.name ? { name: c.name } : {}),
  kind: c.kind ?? 'sandbox',
  active: c.active ?? true,
  tracking: c.tracking ?? 'webhook',
  ...(c.trackingPrefix ? { trackingPrefix: c.trackingPrefix } : {}),
  ...(c.trackingUrl ? { trackingUrl: c.trackingUrl } : {}),
  ...(c.tariff ? { tariff: c.tariff } : {}),
  hasWebhookSecret: Boolean(c.webhookSecret),
  updatedAt: new Date(c.updatedAt).toISOString(),
});
