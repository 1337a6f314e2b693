/**
 * Exactly-once intake, decided on one Redis key per order (`intake:<orderId>`), taken with SET NX:
 *
 * - `p:<epoch ms>`: a gateway is publishing the order right now (set before the publish);
 * - `c`: the broker confirmed it; from now on the order exists, a resend is a duplicate.
 *
 * The marker is written before the publish so two requests for the same order cannot both publish; it
 * becomes `c` only after the confirm, so a resend never hears "exists" about an order whose publish then
 * failed. A `p` marker left by a gateway that died mid-publish goes stale and the next resend publishes
 * again: safe, because the event id is deterministic and ingestion drops an order id it already has.
 *
 * The marker is short-lived state, not the record of what exists: that is ingestion's store, whose unique
 * index on (channel, externalId) makes a second order impossible. The marker only has to outlive the
 * requests that race for one order (a client's retries after a timeout, a 409, a 503) so that they do not
 * all publish; a resend after it expired publishes again, is answered 202 with the same order id, and
 * ingestion drops it. Its TTL bounds what intake keeps in Redis: one marker per order accepted in the last
 * 10 minutes (docs/redis.md).
 */
export const INTAKE_MARKER_TTL_SECONDS = 10 * 60;
/** Longer than any publish can take (connect + confirm); after this a `p` marker is abandoned. */
export const PUBLISH_STALE_AFTER_MS = 30_000;

export const intakeMarkerKey = (orderId: string) => `intake:${orderId}`;
export const publishingMarker = (now: number) => `p:${now}`;
export const CONFIRMED_MARKER = 'c';

export type IntakeDecision = 'duplicate' | 'in_progress' | 'republish';

/** What to do when SET NX found a marker already there. */
export function decideOnExistingMarker(marker: string | null, now: number): IntakeDecision {
  // Gone between SET NX and GET (its publish failed and it was deleted): try again as new.
  if (marker === null) return 'republish';
  if (marker === CONFIRMED_MARKER) return 'duplicate';
  const startedAt = Number(marker.startsWith('p:') ? marker.slice(2) : NaN);
  if (Number.isFinite(startedAt) && now - startedAt < PUBLISH_STALE_AFTER_MS) return 'in_progress';
  return 'republish';
}
