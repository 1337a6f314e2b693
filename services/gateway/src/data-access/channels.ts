import { Schema, type Connection, type Model } from 'mongoose';
import { isDuplicateKeyError } from '@oms/mongo';
import type { ChannelInput, ChannelRecord } from '../domain/channels/channel';

export type { ChannelInput, ChannelRecord } from '../domain/channels/channel';

interface ChannelDocument extends Omit<ChannelRecord, 'id'> {
  _id: string;
}

const channelSchema = new Schema<ChannelDocument>(
  {
    _id: { type: String },
    name: { type: String, required: true },
    type: { type: String, required: true },
    defaultCurrency: { type: String, required: true },
    locationPool: [String],
    webhookSecret: String,
    createdAt: { type: String, required: true },
    updatedAt: { type: String, required: true },
  },
  { versionKey: false },
);

/**
 * How long one gateway trusts what it read about a channel without asking again (intake asks for the channel
 * on every order), and how long after that it may still answer from the old record while it reads the channel
 * again in the background.
 */
export interface ChannelCacheTiming {
  freshMs: number;
  staleMs: number;
  /** The clock (tests move it). */
  now: () => number;
}

const DEFAULT_TIMING: ChannelCacheTiming = { freshMs: 2000, staleMs: 30_000, now: Date.now };

/**
 * Channel records in the gateway's own database, with a short in-process cache (the intake path looks a
 * channel up for every order; 2,000 orders/s must not mean 2,000 queries/s). This instance forgets its entry
 * at once on a write. A change made through another gateway instance is seen here once the record is older
 * than `freshMs`: the first request after that still gets the record it had and starts one read in the
 * background, and the requests after that read get the new record. So the intake never waits for the store
 * while it knows the channel, which under load took 15–40 ms every 2 s and held up every order arriving
 * meanwhile (docs/benchmarks/2026-11-27-intake-idle-cpu-group.md). A record older than `freshMs + staleMs` (the channel was not
 * used for that long, or the store failed to answer since) is not used, nor an old "no such channel": the
 * request waits for the store.
 */
export class ChannelRepository {
  private readonly cache = new Map<string, { channel: ChannelRecord | null; until: number }>();
  private readonly inFlight = new Map<string, Promise<ChannelRecord | null>>();
  /** Counts this instance's writes: a read that began before a write must not cache what it found. */
  private writes = 0;

  constructor(
    private readonly model: Model<ChannelDocument>,
    private readonly timing: ChannelCacheTiming = DEFAULT_TIMING,
  ) {}

  async get(id: string): Promise<ChannelRecord | null> {
    const cached = this.cache.get(id);
    const now = this.timing.now();
    if (cached && cached.until > now) return cached.channel;
    // Only a channel that exists is answered from an old record: one created meanwhile must not be refused.
    if (cached?.channel && cached.until + this.timing.staleMs > now) {
      // A failed background read keeps the old record until it is too old; the next request tries again.
      this.read(id).catch(() => undefined);
      return cached.channel;
    }
    return this.read(id);
  }

  /** One query per channel at a time: concurrent requests for the same channel share it. */
  private read(id: string): Promise<ChannelRecord | null> {
    let pending = this.inFlight.get(id);
    if (!pending) {
      const writesBefore = this.writes;
      pending = this.model
        .findById(id)
        .lean()
        .then((doc) => {
          const channel = doc ? toRecord(doc as ChannelDocument) : null;
          if (this.writes !== writesBefore) return channel;
          if (this.cache.size > 10_000) this.cache.clear(); // unknown ids must not grow it without limit
          this.cache.set(id, { channel, until: this.timing.now() + this.timing.freshMs });
          return channel;
        })
        .finally(() => {
          // A write may have replaced this read with a newer one meanwhile.
          if (this.inFlight.get(id) === pending) this.inFlight.delete(id);
        });
      this.inFlight.set(id, pending);
    }
    return pending;
  }

  async list(): Promise<ChannelRecord[]> {
    const docs = await this.model.find().sort({ _id: 1 }).lean();
    return docs.map((d) => toRecord(d as ChannelDocument));
  }

  /** Create or replace; an omitted webhook secret keeps the stored one. Answers whether it was created. */
  async put(id: string, input: ChannelInput): Promise<{ channel: ChannelRecord; created: boolean }> {
    const now = new Date().toISOString();
    const { webhookSecret, ...fields } = input;
    const update = { $set: { ...fields, ...(webhookSecret !== undefined ? { webhookSecret } : {}), updatedAt: now }, $setOnInsert: { createdAt: now } };
    let result;
    try {
      result = await this.model.updateOne({ _id: id }, update, { upsert: true });
    } catch (err) {
      // Two first PUTs of one channel race to insert it; the loser finds it there now and updates it.
      if (!isDuplicateKeyError(err)) throw err;
      result = await this.model.updateOne({ _id: id }, update);
    }
    // Forget the record, and any read begun before the write, so that the answer shows what was written.
    this.writes++;
    this.cache.delete(id);
    this.inFlight.delete(id);
    const channel = await this.get(id);
    return { channel: channel!, created: result.upsertedCount > 0 };
  }
}

function toRecord({ _id, ...rest }: ChannelDocument): ChannelRecord {
  return { id: _id, ...rest, locationPool: rest.locationPool ?? [] };
}

/**
 * One repository (and so one cache) per database connection, shared by every route module. `timing` counts
 * only for the connection's first call (tests pass a clock of their own).
 */
const repositories = new WeakMap<Connection, ChannelRepository>();

export function channelRepository(db: Connection, timing?: ChannelCacheTiming): ChannelRepository {
  let repo = repositories.get(db);
  if (!repo) {
    const model = (db.models.Channel as Model<ChannelDocument> | undefined) ?? db.model<ChannelDocument>('Channel', channelSchema, 'channels');
    repo = new ChannelRepository(model, timing);
    repositories.set(db, repo);
  }
  return repo;
}
