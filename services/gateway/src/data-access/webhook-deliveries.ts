import { Schema, type Connection, type Model } from 'mongoose';
import { isDuplicateKeyError } from '@oms/mongo';
import { outboxPendingMarker, type OutboxEntry } from '@oms/outbox';
import type { Redis } from '@oms/redis';

export type DeliveryStatus = 'pending' | 'delivered' | 'failed' | 'cancelled';

export interface DeliveryAttempt {
  at: string;
  durationMs: number;
  /** The receiver's HTTP status, when it answered. */
  statusCode?: number;
  /** Why the attempt failed without an answer (timeout, refused address, connection error, open breaker). */
  error?: string;
  /** `first`, `retry` or `redelivery` (asked for through the API). */
  trigger: 'first' | 'retry' | 'redelivery';
}

/** One event for one subscription: written once (its id derives from both), then attempted until done or given up. */
export interface DeliveryDocument {
  _id: string;
  subscriptionId: string;
  eventId: string;
  eventType: string;
  /** The exact body every attempt sends (and signs). */
  body: string;
  status: DeliveryStatus;
  attempts: DeliveryAttempt[];
  createdAt: string;
  /** Day of `createdAt` (UTC, YYYY-MM-DD): the log is read one day at a time, never the whole history. */
  day: string;
  /** Start of the retry window (creation, or the last redelivery), epoch ms. */
  windowStart: number;
  /** Epoch ms of the next attempt while pending, else null. */
  nextAttemptAt: number | null;
  /** The minute of `nextAttemptAt` (epoch minutes) while pending, else null: the sweep reads due deliveries by it. */
  dueMinute: number | null;
  redeliveries: number;
  deliveredAt?: string;
  failedAt?: string;
  /** Events waiting for the broker's confirm (a give-up's webhook.delivery-failed.v1). */
  outbox?: OutboxEntry[];
}

const attemptSchema = new Schema<DeliveryAttempt>(
  { at: String, durationMs: Number, statusCode: Number, error: String, trigger: String },
  { _id: false, versionKey: false },
);

const deliverySchema = new Schema<DeliveryDocument>(
  {
    _id: { type: String },
    subscriptionId: { type: String, required: true },
    eventId: { type: String, required: true },
    eventType: { type: String, required: true },
    body: { type: String, required: true },
    status: { type: String, required: true },
    attempts: { type: [attemptSchema], default: [] },
    createdAt: { type: String, required: true },
    day: { type: String, required: true },
    windowStart: { type: Number, required: true },
    nextAttemptAt: { type: Number, default: null },
    dueMinute: { type: Number, default: null },
    redeliveries: { type: Number, default: 0 },
    deliveredAt: String,
    failedAt: String,
    // webhook.delivery-failed.v1 waits here until the broker confirmed it (the outbox rule, docs/consistency.md).
    outbox: { type: [Schema.Types.Mixed], default: undefined },
  },
  { versionKey: false },
);
deliverySchema.plugin(outboxPendingMarker);
// Equality only (FerretDB pushes nothing else down, docs/consistency.md): the sweep asks for one minute's
// pending deliveries, the log for one subscription's deliveries of one day.
deliverySchema.index({ dueMinute: 1, status: 1 });
deliverySchema.index({ subscriptionId: 1, day: 1 });
// The retention clean-up removes one creation day at a time.
deliverySchema.index({ day: 1 });

/** How far the retention clean-up has removed deliveries: every day up to `cleanedThrough` is gone. */
interface RetentionDocument {
  _id: string;
  cleanedThrough: string;
}
const retentionSchema = new Schema<RetentionDocument>({ _id: { type: String }, cleanedThrough: { type: String, required: true } }, { versionKey: false });

export const minuteOf = (ms: number) => Math.floor(ms / 60_000);
export const dayOf = (iso: string) => iso.slice(0, 10);

/** What an attempt changes: its record, and the delivery's state after it. */
export interface AttemptOutcome {
  attempt: DeliveryAttempt;
  status: DeliveryStatus;
  nextAttemptAt: number | null;
  /** Events the outcome causes (a give-up's webhook.delivery-failed.v1, a recovery's webhook.delivery-recovered.v1), stored in the same write. */
  outbox?: OutboxEntry[];
}

export class DeliveryRepository {
  readonly model: Model<DeliveryDocument>;
  private readonly retention: Model<RetentionDocument>;

  constructor(
    db: Connection,
    private readonly redis: Redis,
  ) {
    this.model = db.model<DeliveryDocument>('WebhookDelivery', deliverySchema, 'webhook_deliveries');
    this.retention = db.model<RetentionDocument>('WebhookRetention', retentionSchema, 'webhook_retention');
  }

  /**
   * Remove the deliveries created on `day` (one equality, pushed down to the store); one still pending (a
   * redelivery asked for late) stays until it is done. Answers how many were removed.
   */
  async removeDay(day: string): Promise<number> {
    return (await this.model.deleteMany({ day, status: { $ne: 'pending' } })).deletedCount;
  }

  /** The last day the clean-up removed, if it ever ran. */
  async cleanedThrough(): Promise<string | undefined> {
    return (await this.retention.findById('deliveries').lean<RetentionDocument>())?.cleanedThrough;
  }

  async noteCleanedThrough(day: string): Promise<void> {
    await this.retention.updateOne({ _id: 'deliveries' }, { $set: { cleanedThrough: day } }, { upsert: true });
  }

  /** Insert-only: false when this delivery exists already (the same event arrived again). */
  async insert(doc: DeliveryDocument): Promise<boolean> {
    try {
      await this.model.create(doc);
      return true;
    } catch (err) {
      if (isDuplicateKeyError(err)) return false;
      throw err;
    }
  }

  async get(id: string): Promise<DeliveryDocument | null> {
    return this.model.findOne({ _id: id }).lean<DeliveryDocument>();
  }

  /** Pending deliveries due in one minute (epoch minutes). */
  async pendingIn(minute: number): Promise<DeliveryDocument[]> {
    return this.model.find({ dueMinute: minute, status: 'pending' }).lean<DeliveryDocument[]>();
  }

  async anyPending(): Promise<boolean> {
    return (await this.model.exists({ status: 'pending' })) !== null;
  }

  /** One subscription's deliveries created on one day (UTC). */
  async ofDay(subscriptionId: string, day: string): Promise<DeliveryDocument[]> {
    return this.model.find({ subscriptionId, day }).lean<DeliveryDocument[]>();
  }

  /** Record an attempt (under the delivery's lock: one writer at a time). */
  async recordAttempt(id: string, { attempt, status, nextAttemptAt, outbox }: AttemptOutcome): Promise<void> {
    await this.model.updateOne(
      { _id: id },
      {
        $push: { attempts: attempt, ...(outbox?.length ? { outbox: { $each: outbox } } : {}) },
        $set: {
          status,
          nextAttemptAt,
          dueMinute: nextAttemptAt === null ? null : minuteOf(nextAttemptAt),
          ...(status === 'delivered' ? { deliveredAt: attempt.at } : {}),
          ...(status === 'failed' ? { failedAt: attempt.at } : {}),
        },
      },
    );
  }

  /** Its subscription is gone: nothing more is attempted. */
  async cancel(id: string): Promise<void> {
    await this.model.updateOne({ _id: id }, { $set: { status: 'cancelled', nextAttemptAt: null, dueMinute: null } });
  }

  /** Pending again, due now, with a new retry window (under the delivery's lock). */
  async reschedule(id: string, now: number): Promise<void> {
    await this.model.updateOne(
      { _id: id },
      { $set: { status: 'pending', nextAttemptAt: now, dueMinute: minuteOf(now), windowStart: now }, $inc: { redeliveries: 1 } },
    );
  }

  /** The first minute the retry sweep has not cleared yet (shared by every gateway process), or undefined. */
  async sweepCursor(): Promise<number | undefined> {
    const value = await this.redis.get(SWEEP_CURSOR_KEY);
    return value === null ? undefined : Number(value);
  }

  async setSweepCursor(minute: number): Promise<void> {
    await this.redis.set(SWEEP_CURSOR_KEY, String(minute));
  }
}

const SWEEP_CURSOR_KEY = 'webhooks:sweep-from-minute';
