import {
  CONFIRMED_MARKER,
  decideOnExistingMarker,
  INTAKE_MARKER_TTL_SECONDS,
  intakeMarkerKey,
  PUBLISH_STALE_AFTER_MS,
  publishingMarker,
} from '../../src/domain/intake/intake-marker';

describe('exactly-once intake markers', () => {
  const now = 1_700_000_000_000;

  it('when the marker says confirmed, then a resend is a duplicate', () => {
    expect(decideOnExistingMarker(CONFIRMED_MARKER, now)).toBe('duplicate');
  });

  it('when another request is publishing, then this one is told it is in progress until the marker goes stale', () => {
    expect(decideOnExistingMarker(publishingMarker(now - 10), now)).toBe('in_progress');
    expect(decideOnExistingMarker(publishingMarker(now - PUBLISH_STALE_AFTER_MS + 1), now)).toBe('in_progress');
    expect(decideOnExistingMarker(publishingMarker(now - PUBLISH_STALE_AFTER_MS), now)).toBe('republish');
  });

  it('when the marker vanished or cannot be read, then the order is published again (the event id is the same)', () => {
    expect(decideOnExistingMarker(null, now)).toBe('republish');
    expect(decideOnExistingMarker('p:not-a-time', now)).toBe('republish');
    expect(decideOnExistingMarker('something else', now)).toBe('republish');
  });

  it('when a marker is taken, then it outlives a publish in progress and is gone within the 10 minutes docs/redis.md counts', () => {
    // Shorter than the grace of a publish in progress, and a slow publish would lose its claim to a resend.
    expect(INTAKE_MARKER_TTL_SECONDS * 1000).toBeGreaterThan(PUBLISH_STALE_AFTER_MS);
    expect(INTAKE_MARKER_TTL_SECONDS).toBeLessThanOrEqual(10 * 60);
  });

  it('when an order id is given, then its marker key is derived from it', () => {
    expect(intakeMarkerKey('o-1')).toBe('intake:o-1');
  });
});
