import { Schema, type Connection, type Model } from 'mongoose';
import { isDuplicateKeyError, isOnlyDuplicateKeyErrors } from './index';

/**
 * Which days (UTC) hold documents of a kind: one insert-only document per kind and day, written before
 * the first document of that day is stored. A list walks these days one at a time (walkDays below): each
 * day's documents are found by an equality on a stored day field, which FerretDB 1.x pushes down to
 * PostgreSQL, so a page costs what one or a few days hold, however long the history. Insert-only with a
 * unique `_id`, so concurrent writers never lose one (a lost update on FerretDB cannot happen to an insert).
 *
 * The kind scopes the days: the order list has one kind for all orders, the stock ledger one per SKU.
 */
interface DayDocument {
  _id: string;
  kind: string;
  day?: string;
  /** A busy marker (TimeBuckets): the day, or bucket, holds too many documents to read in one query. */
  busy?: boolean;
}

/** A note to write: documents of `kind` exist on `day` (a day or any time bucket); `busy` marks it busy besides. */
export interface DayNote {
  kind: string;
  day: string;
  busy?: boolean;
}

const daySchema = new Schema<DayDocument>({ _id: String, kind: { type: String, required: true }, day: String, busy: Boolean }, { versionKey: false });
// Every read is by kind (an equality FerretDB pushes down; the index gets its GIN twin on the test stack).
daySchema.index({ kind: 1 });

/** `2026-12-05` for `2026-12-05T10:23:19.000Z` (or any date Date can read), in UTC. */
export const dayOf = (timestamp: string | Date) => new Date(timestamp).toISOString().slice(0, 10);

/** `2026-12-05T10:23` for `2026-12-05T10:23:19.000Z`, in UTC: a finer bucket of a busy list (walkBuckets). */
export const minuteOf = (timestamp: string | Date) => new Date(timestamp).toISOString().slice(0, 16);

/** `2026-12-05T10:23:19` for `2026-12-05T10:23:19.250Z`, in UTC: the finest bucket of a busy list. */
export const secondOf = (timestamp: string | Date) => new Date(timestamp).toISOString().slice(0, 19);

/** Kind and day pairs this process remembers having written; beyond this it forgets and re-inserts (harmless). */
const REMEMBERED = 100_000;

export class DayIndex {
  /** Days this process has written or seen written: the hot path writes each (kind, day) once per process. */
  private readonly known = new Set<string>();
  readonly model: Model<DayDocument>;

  constructor(db: Connection, collection: string) {
    this.model = db.model<DayDocument>(collection, daySchema, collection);
  }

  /** Record that documents of `kind` exist on `day`; call it before storing such a document. */
  async note(kind: string, day: string): Promise<void> {
    await this.noteAll([{ kind, day }]);
  }

  /**
   * `note` for many (kind, day) pairs in one round trip: a stock import of a thousand SKUs notes a thousand
   * days, which one insert each would make a thousand sequential writes.
   */
  async noteAll(notes: DayNote[]): Promise<void> {
    const fresh = new Map<string, DayDocument>();
    for (const { kind, day, busy } of notes) {
      // A busy marker is a document of its own beside the note (insert-only, like every note).
      const id = `${kind}:${day}${busy ? ':busy' : ''}`;
      if (!this.known.has(id)) fresh.set(id, busy ? { _id: id, kind, day, busy } : { _id: id, kind, day });
    }
    if (fresh.size === 0) return;
    try {
      await this.model.insertMany([...fresh.values()], { ordered: false });
    } catch (err) {
      // Days another writer stored first are the same documents; anything else is a failure.
      if (!isOnlyDuplicateKeyErrors(err)) throw err;
    }
    if (this.known.size + fresh.size > REMEMBERED) this.known.clear();
    for (const id of fresh.keys()) this.known.add(id);
  }

  /**
   * Drop the notes of `kind` for `days`, one equality delete each. Only for days that can get no documents
   * again: a process that noted one before would not note it a second time.
   */
  async forget(kind: string, days: string[]): Promise<void> {
    for (const day of days) {
      const id = `${kind}:${day}`;
      await this.model.deleteOne({ _id: id });
      this.known.delete(id);
    }
  }

  /** Every day with documents of `kind`, oldest first: one small document per day (and per busy marker). */
  async days(kind: string): Promise<string[]> {
    return (await this.buckets(kind)).buckets;
  }

  /** Every bucket with documents of `kind`, oldest first, and which of them are marked busy. */
  async buckets(kind: string): Promise<{ buckets: string[]; busy: Set<string> }> {
    const docs = await this.model.find({ kind }, { day: 1, busy: 1 }).lean();
    const busy = new Set(docs.filter((d) => d.busy).map((d) => d.day as string));
    return { buckets: [...new Set(docs.map((d) => d.day as string))].sort(), busy };
  }

  /** One-off work done (a backfill): remembered across restarts. */
  async isDone(marker: string): Promise<boolean> {
    return (await this.model.findById(`marker:${marker}`).lean()) !== null;
  }

  async markDone(marker: string): Promise<void> {
    await this.insertOnce({ _id: `marker:${marker}`, kind: 'marker' });
  }

  /** Insert-only: a document another writer stored first is the same document. */
  private async insertOnce(doc: DayDocument): Promise<void> {
    try {
      await this.model.create(doc);
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
    }
  }
}

/**
 * A list request stops walking days after this long and answers the page it has, with a cursor where it
 * stopped (a page may then hold fewer items than asked for; the cursor goes on from there). A narrow
 * filter over a long history would otherwise read every day in one request.
 */
export const WALK_BUDGET_MS = 500;

export interface DayWalk<T> {
  /** Items found, at most `limit`. */
  items: T[];
  /** Another item follows the last one: the next page starts after it. */
  more: boolean;
  /** The walk ran out of time before the days did: the next page starts after this (whole) day. */
  stoppedAfterDay?: string;
}

/**
 * One page read day by day, in the order of `days`: `read(day, want)` gives that day's matching items in
 * sort order (at most `want`), until the page is full, the days run out, or the time budget is spent. One
 * more item than asked for is read to know whether another page follows.
 */
export function walkDays<T>(days: string[], limit: number, read: (day: string, want: number) => Promise<T[]>, budgetMs = WALK_BUDGET_MS): Promise<DayWalk<T>> {
  return walkBuckets(days, limit, read, budgetMs);
}

/**
 * walkDays over buckets that may be found as the walk goes (days, or the seconds of each minute of each day
 * in turn): a day (`2026-12-05`), a minute (`2026-12-05T10:23`) or a second (`2026-12-05T10:23:19`) each.
 * `stoppedAfterDay` then names a bucket of any of these sizes; nextTimeCursor places the next page just past it.
 */
export async function walkBuckets<T>(
  buckets: Iterable<string> | AsyncIterable<string>,
  limit: number,
  read: (bucket: string, want: number) => Promise<T[]>,
  budgetMs = WALK_BUDGET_MS,
): Promise<DayWalk<T>> {
  const started = Date.now();
  const found: T[] = [];
  const iterator = Symbol.asyncIterator in buckets ? buckets[Symbol.asyncIterator]() : (buckets as Iterable<string>)[Symbol.iterator]();
  let current = await iterator.next();
  while (!current.done) {
    const bucket = current.value;
    found.push(...(await read(bucket, limit + 1 - found.length)));
    if (found.length > limit) return { items: found.slice(0, limit), more: true };
    current = await iterator.next();
    if (!current.done && Date.now() - started > budgetMs) return { items: found, more: false, stoppedAfterDay: bucket };
  }
  return { items: found, more: false };
}

/** Where a page ends: the time and id of its last item. Opaque to clients (base64url of JSON). */
export interface TimeCursor {
  at: string;
  id: string;
}

/** Time, then id: a list's order, either way. */
function compareKeys(a: TimeCursor, b: TimeCursor): number {
  return a.at < b.at ? -1 : a.at > b.at ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * One bucket's documents in the list's order (by `keyOf`: time, then id), those after the cursor only, at most
 * `want`: what a walk's read gives once the store handed it the bucket's documents unsorted.
 */
export function inTimeOrder<T>(docs: T[], keyOf: (doc: T) => TimeCursor, { sort, after }: { sort: 'asc' | 'desc'; after?: TimeCursor }, want: number): T[] {
  const direction = sort === 'asc' ? 1 : -1;
  const sorted = docs.sort((a, b) => direction * compareKeys(keyOf(a), keyOf(b)));
  return (after ? sorted.filter((d) => direction * compareKeys(keyOf(d), after) > 0) : sorted).slice(0, want);
}

export function encodeTimeCursor(cursor: TimeCursor): string {
  return Buffer.from(JSON.stringify([cursor.at, cursor.id]), 'utf8').toString('base64url');
}

/** undefined for anything that is not a cursor encodeTimeCursor made. */
export function decodeTimeCursor(value: string): TimeCursor | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
    if (!Array.isArray(parsed) || parsed.length !== 2 || typeof parsed[0] !== 'string' || typeof parsed[1] !== 'string') return undefined;
    if (Number.isNaN(Date.parse(parsed[0]))) return undefined;
    return { at: parsed[0], id: parsed[1] };
  } catch {
    return undefined;
  }
}

export interface DayRange {
  /** From this time on (inclusive). */
  from?: string;
  /** Up to this time. */
  to?: string;
  /** The cursor of the page before. */
  after?: TimeCursor;
  sort: 'asc' | 'desc';
}

/**
 * The days a list reads, in its sort order: those with documents, within its range and from its cursor's
 * day. With `minuteOf`, the same for the minutes of a day.
 */
export function daysToWalk(days: string[], range: DayRange, bucketOf: (timestamp: string) => string = dayOf): string[] {
  const from = range.from ? bucketOf(range.from) : undefined;
  const to = range.to ? bucketOf(range.to) : undefined;
  const cursorDay = range.after ? bucketOf(range.after.at) : undefined;
  const inRange = days.filter((d) => (!from || d >= from) && (!to || d <= to) && (!cursorDay || (range.sort === 'desc' ? d <= cursorDay : d >= cursorDay)));
  return range.sort === 'desc' ? inRange.reverse() : inRange;
}

/**
 * A cursor just past a whole day (or minute, `2026-12-05T10:23`, or second, `2026-12-05T10:23:19`) in the walk's direction: before its first
 * instant (newest first) or at the next one's first instant (oldest first). For lists whose id breaks ties
 * in the same direction as the time, the empty id sorts before every id, so nothing of the walked bucket is
 * read again and nothing of the next is skipped.
 */
export function dayBoundary(bucket: string, sort: 'asc' | 'desc'): TimeCursor {
  const size = BUCKET_SIZES.find((b) => b.length === bucket.length);
  if (!size) throw new Error(`not a time bucket: ${bucket}`);
  const first = new Date(bucket + size.completion);
  if (sort === 'desc') return { at: first.toISOString(), id: '' };
  return { at: new Date(first.getTime() + size.ms).toISOString(), id: '' };
}

/**
 * The sizes of time bucket, coarse to fine, each a prefix of the ISO time (UTC): a day `2026-12-05`, an
 * hour `2026-12-05T10`, ten minutes `2026-12-05T10:2`, a minute `2026-12-05T10:23`, a second
 * `2026-12-05T10:23:19`. `completion` makes the prefix the bucket's first instant again.
 */
export const BUCKET_SIZES = [
  { length: 10, ms: 86_400_000, completion: 'T00:00:00.000Z' },
  { length: 13, ms: 3_600_000, completion: ':00:00.000Z' },
  { length: 15, ms: 600_000, completion: '0:00.000Z' },
  { length: 16, ms: 60_000, completion: ':00.000Z' },
  { length: 19, ms: 1000, completion: '.000Z' },
] as const;

/** Every bucket `timestamp` falls in, coarse to fine (BUCKET_SIZES): a document stores them as one array field. */
export const bucketsOf = (timestamp: string | Date): string[] => {
  const iso = new Date(timestamp).toISOString();
  return BUCKET_SIZES.map((b) => iso.slice(0, b.length));
};

/** The cursor after a walk's page: after its last item when more follow, past the last day walked when time ran out. */
export function nextTimeCursor<T>(walk: DayWalk<T>, sort: 'asc' | 'desc', keyOf: (item: T) => TimeCursor): string | null {
  const last = walk.items[walk.items.length - 1];
  if (walk.more && last) return encodeTimeCursor(keyOf(last));
  if (walk.stoppedAfterDay) return encodeTimeCursor(dayBoundary(walk.stoppedAfterDay, sort));
  return null;
}
