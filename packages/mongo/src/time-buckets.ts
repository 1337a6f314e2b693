import { BUCKET_SIZES, bucketsOf, daysToWalk, type DayIndex, type DayNote, type DayRange } from './day-index';

/**
 * How many documents one process stores in a bucket before it marks the bucket busy. A list reads a bucket
 * that is not busy in one query (FerretDB 1.x decodes and sorts every matching document of a query in its
 * own memory, about 0.3 ms each), so a bucket not marked busy holds at most this many documents per
 * process writing (plus this many again after a restart).
 */
export const BUSY_AFTER = 25;

/** Buckets one process counts before it forgets the oldest counts (a forgotten bucket counts from zero again). */
const COUNTED = 50_000;

/**
 * The buckets of a list as a tree of notes in a DayIndex (docs/orders-list.md): the days with documents
 * under `rootKind`, and under kind `in:<bucket>` the finer buckets of each (the hours of a day, the ten
 * minutes of an hour, the minutes of those, the seconds of a minute: BUCKET_SIZES). A bucket with many
 * documents is marked busy; a list reads each bucket that is not busy in one query (its documents store
 * bucketsOf(time) in one array field, an equality FerretDB pushes down) and walks the finer buckets of a
 * busy one. A year of one order a minute is read ten minutes at a time; a burst of 100 orders a second one
 * second at a time; and a page costs a few queries either way.
 *
 * The notes are insert-only, and counting is per process: several writers each mark a bucket busy after
 * their own BUSY_AFTER documents, so nothing is lost to concurrent updates (FerretDB can lose one of two).
 */
export class TimeBuckets {
  private readonly counts = new Map<string, number>();

  constructor(
    readonly index: DayIndex,
    readonly rootKind: string,
  ) {}

  /** The notes to write (DayIndex.noteAll) before storing a document created at `createdAt`. */
  notesFor(createdAt: string): DayNote[] {
    const buckets = bucketsOf(createdAt);
    const notes: DayNote[] = [];
    buckets.forEach((bucket, level) => {
      const kind = level === 0 ? this.rootKind : childKind(buckets[level - 1]);
      notes.push({ kind, day: bucket });
      if (level < buckets.length - 1 && this.count(bucket) >= BUSY_AFTER) notes.push({ kind, day: bucket, busy: true });
    });
    return notes;
  }

  /** Count a document into `bucket` (per process); its count after. */
  private count(bucket: string): number {
    if (this.counts.size >= COUNTED) this.counts.clear();
    const n = (this.counts.get(bucket) ?? 0) + 1;
    this.counts.set(bucket, n);
    return n;
  }

  /**
   * The buckets a list reads, in its order, found as the walk goes: each bucket's finer buckets are looked
   * up only when the walk reaches it.
   */
  async *toRead(range: DayRange): AsyncGenerator<string> {
    yield* this.walk(this.rootKind, 0, range);
  }

  private async *walk(kind: string, level: number, range: DayRange): AsyncGenerator<string> {
    const { buckets, busy } = await this.index.buckets(kind);
    const { length } = BUCKET_SIZES[level];
    const finest = level === BUCKET_SIZES.length - 1;
    for (const bucket of daysToWalk(buckets, range, (at) => new Date(at).toISOString().slice(0, length))) {
      if (finest || !busy.has(bucket)) yield bucket;
      else yield* this.walk(childKind(bucket), level + 1, range);
    }
  }
}

const childKind = (bucket: string) => `in:${bucket}`;
