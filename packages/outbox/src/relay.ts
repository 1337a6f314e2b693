import type { Model } from 'mongoose';
import { Gauge } from 'prom-client';
import type { Envelope, MessageData, MessageType } from '@oms/contracts';
import type { Logger } from '@oms/logging';
import { buildEnvelope, type Broker, type MessageMeta } from '@oms/messaging';
import type { AggregateLocks, LockLease } from '@oms/redis';
import { captureTraceContext, type TraceCarrier } from '@oms/tracing';
import { PENDING_OUTBOX_FILTER } from './pending-marker';

/** At most this many aggregates of one kind are taken per sweep (and counted by the gauge below). */
const SWEEP_BATCH = 500;

const pendingAggregates = new Gauge({
  name: 'oms_outbox_pending_aggregates',
  help: 'aggregates with events still to publish, as the last outbox sweep left them (at most 500 per kind)',
  // With HTTP_WORKERS every process sweeps the same documents: the highest count, not the sum.
  aggregator: 'max',
});

/**
 * An event waiting in an outbox: the envelope as it will be published, and (with tracing on) the trace
 * context of the change that stored it, so the publication, however much later, continues that trace. The
 * context travels in the message headers, never in the published body.
 */
export type OutboxEntry = Envelope & { traceContext?: TraceCarrier };

/** What an aggregate document carries: events stored in the same write as the change that caused them. */
export interface WithOutbox {
  _id: string;
  outbox?: OutboxEntry[];
}

/** A model whose documents carry an outbox, and the lock key of one of its aggregates. */
export interface OutboxSource {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- one store or relay serves every aggregate's model; mongoose's Model and UpdateQuery types do not widen to a common document type
  model: Model<any>;
  /** May look the aggregate up: some aggregates are locked by a natural key other than their `_id`. */
  lockKey: (id: string) => string | Promise<string>;
}

/**
 * Publishes the events aggregates stored in their `outbox` array (the outbox rule, docs/consistency.md): right after the
 * write that stored them, and again from a periodic sweep for whatever a crash left behind. Removal from
 * the outbox happens only after the broker confirmed, under the aggregate's lock (the single writer), so
 * a crash can repeat a publish (consumers drop duplicates by event id) but never lose one.
 */
export class OutboxRelay {
  private timer?: NodeJS.Timeout;
  private sweeping?: Promise<void>;

  constructor(
    private readonly producer: string,
    private readonly broker: Broker,
    private readonly locks: AggregateLocks,
    private readonly logger: Logger,
    private readonly sources: OutboxSource[] = [],
  ) {}

  /**
   * An event to put in an aggregate's outbox, validated against the contracts now rather than at publish. Its
   * data is taken as JSON carries it: a field left undefined is dropped here, because the stored copy (BSON)
   * would hold it as null, which an optional field's schema refuses when the relay publishes it after a crash.
   */
  entry<T extends MessageType>(type: T, data: MessageData<T>, meta: MessageMeta): OutboxEntry {
    const envelope = buildEnvelope(this.producer, type, JSON.parse(JSON.stringify(data)) as MessageData<T>, meta) as Envelope;
    const traceContext = this.broker.tracing.enabled ? captureTraceContext() : undefined;
    return traceContext ? { ...envelope, traceContext } : envelope;
  }

  addSource(source: OutboxSource): void {
    this.sources.push(source);
  }

  /**
   * Publish and clear one aggregate's outbox. Call it while holding the aggregate's lock. A caller that has
   * just read the document and knows its whole outbox passes it as `pending`, saving a read. Answers how
   * many events are left in it (those the broker did not confirm).
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- one store or relay serves every aggregate's model; mongoose's Model and UpdateQuery types do not widen to a common document type
  async flush(model: Model<any>, id: string, pending?: OutboxEntry[], held?: { lease: LockLease; key: string }): Promise<number> {
    if (!pending) {
      const doc = (await model.findById(id, { outbox: 1 }).lean()) as WithOutbox | null;
      pending = doc?.outbox ?? [];
    }
    if (pending.length === 0) return 0;
    // All on the one confirm channel, which keeps their order on the wire; the confirms are awaited together.
    const outcomes = await Promise.allSettled(pending.map((entry) => this.publish(entry)));
    const done = new Set(pending.filter((_, i) => outcomes[i].status === 'fulfilled').map((e) => e.id));
    if (done.size < pending.length) {
      const failed = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
      this.logger.warn({ err: (failed.reason as Error).message, aggregate: id, left: pending.length - done.size }, 'outbox publish failed; the sweep retries');
    }
    // `$pull` with a condition on sub-documents silently matches nothing on FerretDB 1.x; we hold the
    // aggregate's lock (single writer), so writing back what is left is safe on both stores.
    if (done.size === 0) return pending.length;
    const outbox = pending.filter((e) => !done.has(e.id));
    if (!held) {
      await model.updateOne({ _id: id }, { $set: { outbox } });
      return outbox.length;
    }
    // Fenced (docs/consistency.md, rule 1): a sweep that lost its lock while publishing writes nothing;
    // the events it published stay in the outbox and go out once more (a duplicate consumers drop).
    await held.lease.assertHeld();
    const fence = held.lease.fence(held.key);
    await model.updateOne({ _id: id, fence: { $not: { $gt: fence } } }, { $set: { outbox, fence } });
    return outbox.length;
  }

  /**
   * Publish events with confirms, all on the one confirm channel (which keeps their order on the wire).
   * False when the broker refused any of them; the caller keeps them for a retry (AggregateStore moves
   * them into the outbox, for the sweep).
   */
  async publishAll(events: OutboxEntry[], aggregate: string): Promise<boolean> {
    const outcomes = await Promise.allSettled(events.map((entry) => this.publish(entry)));
    const failed = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult | undefined;
    if (failed) this.logger.warn({ err: (failed.reason as Error).message, aggregate }, 'publishing failed; the events go to the outbox for the sweep');
    return !failed;
  }

  /** The envelope goes out as it is; its stored trace context goes in the headers, not in the body. */
  private publish({ traceContext, ...envelope }: OutboxEntry): Promise<void> {
    return this.broker.publishEnvelope(envelope, { traceContext });
  }

  async flushLocked(source: OutboxSource, id: string): Promise<number> {
    const key = await source.lockKey(id);
    return this.locks.withLock(key, (lease) => this.flush(source.model, id, undefined, { lease, key }));
  }

  /**
   * Find every aggregate with unpublished events and publish them. What is left afterwards (the broker
   * refused, the lock was taken) is the `oms_outbox_pending_aggregates` gauge: events that wait outside
   * the broker, which queue depths do not show.
   */
  async sweep(): Promise<void> {
    if (this.sweeping) return this.sweeping;
    this.sweeping = (async () => {
      let left = 0;
      for (const source of this.sources) {
        const ids = (await source.model.find(PENDING_OUTBOX_FILTER, { _id: 1 }).limit(SWEEP_BATCH).lean()) as Array<{ _id: string }>;
        for (const { _id } of ids) {
          try {
            if ((await this.flushLocked(source, String(_id))) > 0) left++;
          } catch (err) {
            left++;
            this.logger.warn({ err: (err as Error).message, aggregate: _id }, 'outbox sweep failed for one aggregate');
          }
        }
      }
      pendingAggregates.set(left);
    })().finally(() => (this.sweeping = undefined));
    return this.sweeping;
  }

  start(intervalMs: number): void {
    this.timer = setInterval(() => {
      if (this.broker.isConnected()) this.sweep().catch((err) => this.logger.warn({ err: (err as Error).message }, 'outbox sweep failed'));
    }, intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.sweeping;
  }
}
