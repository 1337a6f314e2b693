import type { Schema } from 'mongoose';

export type InsertOutcome = 'inserted' | 'duplicate';

/** What the batcher uses of a mongoose model; any model will do, whatever its document type (which may differ from `T`). */
interface InsertTarget {
  schema: Pick<Schema, 'get'>;
  insertMany(docs: unknown[], options: { ordered: false; rawResult: true; lean: boolean }): Promise<unknown>;
}

interface Waiting<T> {
  doc: T;
  resolve: (outcome: InsertOutcome) => void;
  reject: (err: Error) => void;
}

/**
 * Gathers the inserts of concurrent callers (message handlers working through one prefetch) into one
 * unordered `insertMany`, and tells each caller what became of its own document. One round trip then
 * stores dozens of documents: on FerretDB a batch of 100 goes about fifteen times faster than 100 single
 * inserts, and MongoDB gains too.
 *
 * A document refused for its unique key is `duplicate` (the caller decided before, a redelivery); any
 * other failure of a document, or of the whole call, rejects its callers, who retry: a retried insert of a
 * document that did get stored then comes back `duplicate`, so callers must treat that as "stored before".
 */
export class InsertBatcher<T extends object> {
  private waiting: Waiting<T>[] = [];
  private timer: NodeJS.Timeout | undefined;

  private readonly options: InsertBatcherOptions;
  /** `asGiven`: the schema's timestamp fields, which the batcher fills in (mongoose would have). */
  private readonly timestampFields: string[];

  constructor(
    private readonly model: InsertTarget,
    options: Partial<InsertBatcherOptions> = {},
  ) {
    this.options = { maxBatch: 200, windowMs: 3, asGiven: false, ...options };
    const timestamps = model.schema.get('timestamps') as boolean | { createdAt?: unknown; updatedAt?: unknown } | undefined;
    const name = (option: unknown, fallback: string) => (typeof option === 'string' ? option : fallback);
    this.timestampFields = !timestamps
      ? []
      : typeof timestamps === 'object'
        ? [name(timestamps.createdAt, 'createdAt'), name(timestamps.updatedAt, 'updatedAt')]
        : ['createdAt', 'updatedAt'];
  }

  insert(doc: T): Promise<InsertOutcome> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ doc, resolve, reject });
      if (this.waiting.length >= this.options.maxBatch) this.writeNow();
      else this.timer ??= setTimeout(() => this.writeNow(), this.options.windowMs);
    });
  }

  private writeNow(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.waiting.splice(0);
    if (batch.length > 0) void this.write(batch);
  }

  private async write(batch: Waiting<T>[]): Promise<void> {
    const { asGiven } = this.options;
    const now = new Date();
    const docs = batch.map((w) => (asGiven ? this.asStored(w.doc, now) : w.doc));
    try {
      // Unordered: one refused document does not stop the others. `rawResult` makes mongoose say which
      // documents its own validation refused (by default it drops them silently). `lean`: none of that.
      const result = await this.model.insertMany(docs, { ordered: false, rawResult: true, lean: asGiven });
      const noneRefused = new Map<number, { code: number; message: string }>();
      if (!accountsForEveryDocument(result, noneRefused, batch.length)) {
        rejectAll(batch, new Error('insertMany answered without accounting for every document; their fate is unknown'));
        return;
      }
      settle(batch, resultsOf(result), noneRefused);
    } catch (err) {
      const refused = writeErrorsByIndex(err);
      // A connection lost with the batch in flight also comes back as a bulk write error, with no write
      // errors and nothing inserted: then nothing is known about any document, and telling callers
      // "inserted" would lose every one the store never got (seen in a chaos run: 319 orders).
      if (!refused || !accountsForEveryDocument(err, refused, batch.length)) {
        rejectAll(batch, err as Error);
        return;
      }
      settle(batch, resultsOf(err), refused);
    }
  }

  /** `asGiven`: the document as mongoose would store it, minus casting, defaults and validation. */
  private asStored(doc: T, now: Date): Record<string, unknown> {
    const stored: Record<string, unknown> = {};
    // Mongoose leaves out undefined fields; the driver would store them as null.
    for (const [key, value] of Object.entries(doc)) if (value !== undefined) stored[key] = value;
    for (const field of this.timestampFields) stored[field] ??= now;
    return stored;
  }
}

export interface InsertBatcherOptions {
  /** Most documents in one insertMany. */
  maxBatch: number;
  /**
   * How long the first document of a batch waits for others (a few ms: a handler's own latency is larger,
   * so waiting that long costs little and fills the batch under load).
   */
  windowMs: number;
  /**
   * Store each document as given, with only the schema's timestamps added: no mongoose document is built,
   * so nothing is cast, defaulted or validated. The caller gives every field in its stored type, defaults
   * included. Building and validating a mongoose document per insert was most of the cost: bench:inventory
   * went from about 1,950 to about 2,550 reservations/s with it.
   */
  asGiven: boolean;
}

function rejectAll<T>(batch: Waiting<T>[], err: Error): void {
  for (const w of batch) w.reject(err);
}

/** Mongoose's per-document results of an unordered insertMany (`rawResult`): an Error where its validation refused one. */
function resultsOf(outcome: unknown): unknown[] | undefined {
  return (outcome as { mongoose?: { results?: unknown[] } } | undefined)?.mongoose?.results;
}

/**
 * Whether the answer says what became of every document: inserted, refused by the store (a write error) or
 * refused by mongoose's validation (never sent). Only then may the callers be told; otherwise all retry.
 */
function accountsForEveryDocument(outcome: unknown, refused: Map<number, unknown>, batchSize: number): boolean {
  const counted = outcome as { insertedCount?: unknown; result?: { insertedCount?: unknown } } | undefined;
  const inserted = counted?.insertedCount ?? counted?.result?.insertedCount;
  if (typeof inserted !== 'number') return false;
  const invalid = (resultsOf(outcome) ?? []).filter((r) => r instanceof Error).length;
  return inserted + refused.size + invalid === batchSize;
}

/** Tell each caller: stored, stored before (its unique key exists), or refused. */
function settle<T>(batch: Waiting<T>[], results: unknown[] | undefined, refused: Map<number, { code: number; message: string }>): void {
  batch.forEach((w, i) => {
    const failure = refused.get(i);
    const invalid = results?.[i] instanceof Error ? (results[i] as Error) : undefined;
    if (invalid) w.reject(invalid);
    else if (failure === undefined) w.resolve('inserted');
    else if (failure.code === 11000) w.resolve('duplicate');
    else w.reject(new Error(`insert refused: ${failure.message} (code ${failure.code})`));
  });
}

/**
 * The documents the store refused, by their index in the batch (mongoose maps the driver's indexes back to


 */
function writeErrorsByIndex(err: unknown): Map<number, { code: number; message: string }> | undefined {
  const writeErrors = (err as { writeErrors?: unknown })?.writeErrors;
  if (!writeErrors) return undefined;
  const list = (Array.isArray(writeErrors) ? writeErrors : [writeErrors]) as Array<{
    index?: number;
    code?: number;
    errmsg?: string;
    err?: { index?: number; code?: number; errmsg?: string };
  }>;
  return new Map(list.map((e) => [e.index ?? e.err?.index ?? -1, { code: e.code ?? e.err?.code ?? -1, message: e.errmsg ?? e.err?.errmsg ?? 'unknown' }]));
}
