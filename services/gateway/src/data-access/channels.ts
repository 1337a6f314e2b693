import { isDuplicateKeyError } from '@oms/mongo';
import { Schema, type Connection, type Model } from 'mongoose';

/** The kinds of sales channel; `phone` and `social` are order desks that use the native API. */
export const CHANNEL_TYPES = ['web', 'marketplace', 'shopify', 'csv', 'phone', 'social', 'pos', 'b2b', 'other'] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];

export interface ChannelRecord {
  id: string;
  name: string;
  type: ChannelType;
  defaultCurrency: string;
  locationPool: string[];
  /** Write-only over the API: only whether one is set is ever shown. */
  webhookSecret?: string;
  createdAt: string;
  updatedAt: string;
}

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

export type ChannelInput = Pick<ChannelRecord, 'name' | 'type' | 'defaultCurrency' | 'locationPool'> & { webhookSecret?: string };

/** How long one gateway trusts what it read about a channel: intake asks for the channel on every order. */
const CACHE_MS = 2000;

/**
 * Channel records in the gateway's own database, with a short in-process cache (the intake path looks a
 * channel up for every order; 2,000 orders/s must not mean 2,000 queries/s). A change made through another
 * gateway instance is seen here within CACHE_MS; this instance forgets its entry at once on a write.
 */
export class ChannelRepository {
  private readonly cache = new Map<string, { channel: ChannelRecord | null; until: number }>();
  private readonly inFlight = new Map<string, Promise<ChannelRecord | null>>();

  constructor(private readonly model: Model<ChannelDocument>) {}

  async get(id: string): Promise<ChannelRecord | null> {
    const cached = this.cache.get(id);
    if (cached && cached.until > Date.now()) return cached.channel;
    // Concurrent requests for the same channel share one query.
    let pending = this.inFlight.get(id);
    if (!pending) {
      pending = this.model
        .findById(id)
        .lean()
        .then((doc) => {
          const channel = doc ? toRecord(doc as ChannelDocument) : null;
          if (this.cache.size > 10_000) this.cache.clear(); // unknown ids must not grow it without limit
          this.cache.set(id, { channel, until: Date.now() + CACHE_MS });
          return channel;
        })
        .finally(() => this.inFlight.delete(id));
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
    this.cache.delete(id);
    const channel = await this.get(id);
    return { channel: channel!, created: result.upsertedCount > 0 };
  }
}

function toRecord({ _id, ...rest }: ChannelDocument): ChannelRecord {
  return { id: _id, ...rest, locationPool: rest.locationPool ?? [] };
}

/** One repository (and so one cache) per database connection, shared by every route module. */
const repositories = new WeakMap<Connection, ChannelRepository>();

export function channelRepository(db: Connection): ChannelRepository {
  let repo = repositories.get(db);
  if (!repo) {
    const model = (db.models.Channel as Model<ChannelDocument> | undefined) ?? db.model<ChannelDocument>('Channel', channelSchema, 'channels');
    repo = new ChannelRepository(model);
    repositories.set(db, repo);
  }
  return repo;
}
