import { dayOf } from '@oms/mongo';
import type { DeliveryRepository } from '../data-access/webhook-deliveries';

const DAY_MS = 24 * 3600_000;
/** How far back a first clean-up (or one after its record was lost) looks: a year beyond the retention. */
const FIRST_LOOK_BACK_DAYS = 365;

const dayAt = (ms: number) => dayOf(new Date(ms));

/**
 * Remove the webhook deliveries created more than `retentionDays` days before `now` (FerretDB 1.x has no TTL
 * index). Day by day, each one equality delete, from the day after the last one removed up to the newest
 * day past retention; the progress is recorded, so a pass costs the days since the last one, whatever the
 * history. Safe in several gateway processes at once: removing a day twice removes nothing more.
 */
export async function removeExpiredDeliveries(
  deliveries: DeliveryRepository,
  retentionDays: number,
  now = Date.now(),
): Promise<{ days: number; removed: number }> {
  const newest = dayAt(now - (retentionDays + 1) * DAY_MS);
  const after = (await deliveries.cleanedThrough()) ?? dayAt(now - (retentionDays + 1 + FIRST_LOOK_BACK_DAYS) * DAY_MS);
  let days = 0;
  let removed = 0;
  for (let at = Date.parse(`${after}T00:00:00Z`) + DAY_MS; dayAt(at) <= newest; at += DAY_MS) {
    removed += await deliveries.removeDay(dayAt(at));
    days++;
  }
  if (days > 0) await deliveries.noteCleanedThrough(newest);
  return { days, removed };
}
