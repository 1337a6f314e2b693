import type { Model, UpdateQuery } from 'mongoose';
import type { Envelope, Outgoing } from '@oms/contracts';
import type { Logger } from '@oms/logging';
import { deterministicId } from '@oms/messaging';
import { isDuplicateKeyError } from '@oms/mongo';
import { LockLostError, type AggregateLocks, type LockLease, type Redis } from '@oms/redis';
import type { OutboxEntry, OutboxRelay } from './relay';

/** A message a change causes (its type and data checked by the contracts). */
export type Emit = Outgoing;

/** What a change stores besides its own fields (see AggregateStore). */
export interface AggregateDocument {
  _id: string;
  /** Ids of the messages already applied: a redelivery is recognised and skipped. */
  processed?: string[];
  /** Events the sweep still has to publish (the broker refused them when they were stored). */
  outbox?: OutboxEntry[];
  /** The events of the last change, published right after it without a write to clear them. */
  sent?: OutboxEntry[];
  /** The message whose change stored `sent`. */
  sentBy?: string;
  /** The fencing token of the lock holder that wrote last: a write with a smaller one is refused. */
  fence?: number;
}

/** A use case's decision: the write (update operators, or the new document), the messages it causes, its answer. */
export interface Decision<R> {
  /** Update operators for the aggregate as loaded (`$set`, `$push`...): never a whole document read and written back. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- one store or relay serves every aggregate's model; mongoose's Model and UpdateQuery types do not widen to a common document type
  update?: UpdateQuery<any>;
  /** The new aggregate, when `current` was null. Its `_id` is the id the change was asked for. */
  create?: Record<string, unknown>;
  emit?: Emit[];
  /** The conversation the events belong to (the order they concern); the causing message's by default. */
  correlationId?: string;
  result?: R;
}

export interface AggregateSpec<Doc> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- one store or relay serves every aggregate's model; mongoose's Model and UpdateQuery types do not widen to a common document type
  model: Model<any>;
  /** The single-writer lock of one aggregate (one writer per aggregate). */
  lockKey: (id: string) => string;
  /** The answer to a message the aggregate had already applied (a redelivered or repeated command). */
  view?: (current: Doc) => unknown;
  /** How long the lock outlives a holder that died without releasing it (default 30 s; renewed while the holder works). */
  lockTtlMs?: number;
}

export interface ChangeOptions<Doc> {
  /** More locks to hold with the aggregate's own (taken in a fixed order). */
  alsoLock?: string[];
  /** The aggregate as its caller just read it under the same lock: saves the load. */
  loaded?: Doc | null;
}

/** How long Redis remembers that a change's events were confirmed. After that the next change sends them again. */
const PUBLISHED_MARK_MS = 10 * 60 * 1000;

/**
 * The one way a service changes an aggregate in reaction to a message (a command or an event):
 *
 *   lock → load → skip a message it already applied → decide → write the change, the message id and the
 *   events it causes in ONE store write → publish them with confirms.
 *
 * The events are cleared without a second store write. Until the broker confirmed them, the message that
 * caused the change stays unacknowledged, so a crash redelivers it, and the redelivery finds its id in
 * `processed` and publishes the stored `sent` again. The change's events stay in `sent` until the next
 * change of the aggregate. Once they are confirmed, the store records that in Redis (`published:<lock>`,
 * kept 10 minutes, where the lock is). The next change reads that record to know whether the events in
 * `sent` went out. If the record is missing (a crash, a Redis restart, or more than 10 minutes have
 * passed), the next change publishes those events again before its own. Consumers drop duplicates by
 * event id. If the broker refuses a publish, the events move to `outbox` in one more write, and the
 * relay's sweep retries them from there.
 *
 * So the happy path costs one store write per change (an insert for a new aggregate). A change caused by
 * no message (a timer job) goes through the relay's durable outbox instead: see OutboxRelay.
 */
export class AggregateStore<Doc extends AggregateDocument> {
  constructor(
    private readonly spec: AggregateSpec<Doc>,
    private readonly kit: { locks: AggregateLocks; redis: Redis; relay: OutboxRelay; logger: Logger },
  ) {}

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- one store or relay serves every aggregate's model; mongoose's Model and UpdateQuery types do not widen to a common document type
  get model(): Model<any> {
    return this.spec.model;
  }

  /** The aggregate as stored, or null: for a use case that decides outside `change` (a batched insert's repeat). */
  async load(id: string): Promise<Doc | null> {
    return (await this.spec.model.findById(id).lean()) as Doc | null;
  }

  /**
   * Run `work` as the aggregate's only writer: for a use case that stores through a batched insert of its
   * own (an insert needs no fence: the unique `_id` refuses a second one). A write of its own, other than
   * an insert, calls `lease.assertHeld()` right before it.
   */
  withLock<T>(id: string, work: (lease: LockLease) => Promise<T>): Promise<T> {
    return this.kit.locks.withLock(this.spec.lockKey(id), work, this.lockOptions);
  }

  /**
   * Apply `decide` to aggregate `id` for message `cause`, as the aggregate's only writer. `decide` gets the
   * aggregate (null when it does not exist yet) and returns the change; it may throw an AppError to refuse
   * (nothing is stored). Answers `decide`'s result, or the spec's view for a message already applied.
   */
  async change<R>(
    id: string,
    cause: Envelope,
    decide: (current: Doc | null) => Decision<R> | Promise<Decision<R>>,
    options: ChangeOptions<Doc> = {},
  ): Promise<R | undefined> {
    const lock = this.spec.lockKey(id);
    return this.kit.locks.withLocks(
      [lock, ...(options.alsoLock ?? [])],
      async (lease) => {
        const current = options.loaded !== undefined ? options.loaded : await this.load(id);
        if (current?.processed?.includes(cause.id)) {
          await this.sendLeftovers(id, lock, current);
          return this.spec.view?.(current) as R | undefined;
        }
        const decision = await decide(current);
        const events = (decision.emit ?? []).map((e, index) => this.envelope(cause, e, index, decision.correlationId));
        const leftovers = current ? await this.unconfirmed(lock, current) : [];
        const sent = [...leftovers, ...events];
        const fence = lease.fence(lock);
        if (decision.create || decision.update || events.length > 0) await lease.assertHeld();
        if (decision.create) {
          try {
            await this.spec.model.create({ ...decision.create, _id: id, processed: [cause.id], sent, sentBy: cause.id, fence });
          } catch (err) {
            // Created meanwhile by a holder whose lock expired, or a natural key taken: that one stands.
            if (!isDuplicateKeyError(err)) throw err;
            const existing = await this.load(id);
            if (!existing) throw err;
            await this.sendLeftovers(id, lock, existing);
            return this.spec.view?.(existing) as R | undefined;
          }
        } else if (decision.update || events.length > 0) {
          if (!current) throw new Error(`${lock}: an update of an aggregate that does not exist`);
          const { matchedCount } = await this.spec.model.updateOne(fenced(id, fence), withBookkeeping(decision.update ?? {}, cause.id, sent, fence));
          if (matchedCount === 0) throw new LockLostError(`${lock}: written meanwhile by a later holder of its lock (fence ${fence}): write refused`);
        } else {
          // Nothing to store: the message changes nothing (a redelivery then decides the same again).
          if (leftovers.length > 0) await this.publish(id, lock, leftovers, current!.sentBy!, fence);
          return decision.result;
        }
        if (sent.length > 0) await this.publish(id, lock, sent, cause.id, fence);
        return decision.result;
      },
      this.lockOptions,
    );
  }

  private get lockOptions() {
    return this.spec.lockTtlMs ? { ttlMs: this.spec.lockTtlMs } : {};
  }

  /**
   * Publish events a new aggregate was inserted with (`sent`, `sentBy` set by the caller's insert, for the
   * hot paths that batch their inserts). Call it while holding the aggregate's lock.
   */
  async publishInserted(id: string, events: OutboxEntry[], causeId: string): Promise<void> {
    if (events.length > 0) await this.publish(id, this.spec.lockKey(id), events, causeId);
  }

  /** Publish what a stored aggregate may still owe: its unconfirmed `sent` events. Call it under the aggregate's lock. */
  async sendLeftovers(id: string, lock: string, current: Doc): Promise<void> {
    const leftovers = await this.unconfirmed(lock, current);
    if (leftovers.length > 0) await this.publish(id, lock, leftovers, current.sentBy!);
  }

  /** An envelope for an event of this change. Its id derives from the cause, so a retried change repeats it. */
  envelope(cause: Envelope, e: Emit, index: number, correlationId = cause.correlationId): OutboxEntry {
    return this.kit.relay.entry(e.type, e.data as never, {
      correlationId,
      causationId: cause.id,
      id: deterministicId(cause.id, e.type, e.key ?? String(index)),
    });
  }

  /** The `sent` events of `current` that Redis does not know as confirmed. */
  private async unconfirmed(lock: string, current: Doc): Promise<OutboxEntry[]> {
    if (!current.sent?.length) return [];
    const confirmedBy = await this.kit.redis.get(publishedKey(lock)).catch(() => null);
    return confirmedBy === current.sentBy ? [] : current.sent;
  }

  private async publish(id: string, lock: string, events: OutboxEntry[], causeId: string, fence?: number): Promise<void> {
    if (await this.kit.relay.publishAll(events, id)) {
      await this.kit.redis.set(publishedKey(lock), causeId, 'PX', PUBLISHED_MARK_MS).catch(() => undefined);
      return;
    }
    // The broker refused: the sweep takes them over (the caller still holds the lock: single writer).
    // A holder whose lock was taken over meanwhile writes nothing: its events stay in `sent`, which the
    // redelivery of its message (or the next change) publishes.
    await this.spec.model.updateOne(fence === undefined ? { _id: id } : fenced(id, fence), {
      $push: { outbox: { $each: events } },
      $set: { sent: [], ...(fence === undefined ? {} : { fence }) },
    });
  }
}

const publishedKey = (lock: string) => `published:${lock}`;

/**
 * The update filter of a fenced write: the aggregate, unless a holder with a larger fencing token wrote it
 * since. A compare-and-set on MongoDB (a single-document update is atomic); on FerretDB 1.x only a
 * guard (docs/consistency.md, case d), where `lease.assertHeld()` just before the write is what holds.
 */
const fenced = (id: string, fence: number) => ({ _id: id, fence: { $not: { $gt: fence } } });

/** The change's own operators plus the message id and the events it stored, in the same write. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- one store or relay serves every aggregate's model; mongoose's Model and UpdateQuery types do not widen to a common document type
function withBookkeeping(update: UpdateQuery<any>, causeId: string, sent: OutboxEntry[], fence: number): UpdateQuery<any> {
  return {
    ...update,
    $set: { ...(update.$set ?? {}), sent, sentBy: causeId, fence },
    $push: { ...(update.$push ?? {}), processed: causeId },
  };
}
