import { randomBytes, randomUUID } from 'node:crypto';
import { Schema, type Connection, type Model } from 'mongoose';

/** A webhook subscription in the gateway's own database. The secret is kept as given: it signs every delivery. */
export interface SubscriptionDocument {
  _id: string;
  /** `all`, `channel:<id>` or `partner:<carrier id>` (domain/webhooks/scope.ts). */
  scope: string;
  eventTypes: string[];
  url: string;
  secret: string;
  description?: string;
  active: boolean;
  createdAt: string;
  createdBy: string;
  deletedAt?: string | null;
  deletedBy?: string | null;
}

const subscriptionSchema = new Schema<SubscriptionDocument>(
  {
    _id: { type: String },
    scope: { type: String, required: true },
    eventTypes: { type: [String], required: true },
    url: { type: String, required: true },
    secret: { type: String, required: true },
    description: { type: String },
    active: { type: Boolean, required: true },
    createdAt: { type: String, required: true },
    createdBy: { type: String, required: true },
    deletedAt: { type: String, default: null },
    deletedBy: { type: String, default: null },
  },
  { versionKey: false },
);
// Events are matched by scope (equality: served by an index on MongoDB and FerretDB alike).
subscriptionSchema.index({ scope: 1, active: 1 });

export type SubscriptionView = Omit<SubscriptionDocument, '_id' | 'secret' | 'deletedAt' | 'deletedBy'> & { id: string };

export const toSubscriptionView = ({ _id, secret: _secret, deletedAt: _d, deletedBy: _b, ...rest }: SubscriptionDocument): SubscriptionView => ({
  id: _id,
  ...rest,
});

/** A generated secret: 32 random bytes, shown once. */
export const newWebhookSecret = () => `whsec_${randomBytes(32).toString('base64url')}`;

export class SubscriptionRepository {
  readonly model: Model<SubscriptionDocument>;

  constructor(db: Connection) {
    this.model = db.model<SubscriptionDocument>('WebhookSubscription', subscriptionSchema, 'webhook_subscriptions');
  }

  async create(fields: Pick<SubscriptionDocument, 'scope' | 'eventTypes' | 'url' | 'secret' | 'description' | 'createdBy'>): Promise<SubscriptionDocument> {
    const doc: SubscriptionDocument = { _id: randomUUID(), ...fields, active: true, createdAt: new Date().toISOString(), deletedAt: null, deletedBy: null };
    await this.model.create(doc);
    return doc;
  }

  /** A subscription that was not deleted (deleted ones are kept for their delivery log, but are gone for callers). */
  async get(id: string): Promise<SubscriptionDocument | null> {
    const doc = await this.model.findOne({ _id: id }).lean<SubscriptionDocument>();
    return doc && !doc.deletedAt ? doc : null;
  }

  /** Active subscriptions of one scope: the candidates for an event of that tenant. */
  async activeOf(scope: string): Promise<SubscriptionDocument[]> {
    return this.model.find({ scope, active: true }).lean<SubscriptionDocument[]>();
  }

  /** Subscriptions of these scopes ('all': every one), newest first, deleted ones left out. */
  async list(scopes: 'all' | string[]): Promise<SubscriptionDocument[]> {
    const docs =
      scopes === 'all'
        ? await this.model.find({}).lean<SubscriptionDocument[]>()
        : (await Promise.all(scopes.map((scope) => this.model.find({ scope }).lean<SubscriptionDocument[]>()))).flat();
    return docs.filter((d) => !d.deletedAt).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  /** Deactivates it for good (one update by id; a second delete changes nothing). */
  async delete(id: string, by: string): Promise<void> {
    await this.model.updateOne({ _id: id, deletedAt: null }, { $set: { active: false, deletedAt: new Date().toISOString(), deletedBy: by } });
  }
}
