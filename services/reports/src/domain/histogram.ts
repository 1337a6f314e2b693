/**
 * Order-to-ship times as a histogram of tenth-of-an-hour buckets: percentiles of a range cannot be merged
 * from the percentiles of its days, but histograms add up. A year of hand-overs at one location fits in a
 * few hundred buckets, so a rollup stays small; the price is a resolution of six minutes.
 */
export interface Bucket {
  /** The bucket's number: times from `bucket` to `bucket + 1` tenths of an hour. */
  bucket: number;
  count: number;
}

const BUCKET_MS = 360_000;

export const bucketOf = (ms: number): number => Math.floor(ms / BUCKET_MS);

/** Buckets with their counts added, ordered by bucket. */
export function addHistograms(...histograms: Bucket[][]): Bucket[] {
  const counts = new Map<number, number>();
  for (const histogram of histograms) for (const { bucket, count } of histogram) counts.set(bucket, (counts.get(bucket) ?? 0) + count);
  return [...counts].sort(([a], [b]) => a - b).map(([bucket, count]) => ({ bucket, count }));
}

/**
 * The `p`-th percentile (0 < p ≤ 1, nearest rank) in hours, as the upper edge of its bucket: at most that
 * long for that share of the hand-overs. Null without any time.
 */
export function percentileHours(histogram: Bucket[], p: number): number | null {
  const total = histogram.reduce((n, b) => n + b.count, 0);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(p * total));
  let seen = 0;
  for (const { bucket, count } of [...histogram].sort((a, b) => a.bucket - b.bucket)) {
    seen += count;
    if (seen >= rank) return (bucket + 1) / 10;
  }
  return null; // unreachable: the last bucket reaches the total
}
