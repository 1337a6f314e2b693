import { Schema, type Connection, type Model } from 'mongoose';
import { DEFAULT_FRAUD_RULES, fraudRulesSchema, type BlocklistKind, type FraudRules } from '@oms/contracts';

interface RulesDoc {
  _id: string;
  rules: FraudRules;
  updatedAt: Date;
  updatedBy: string;
}

export interface BlocklistDoc {
  _id: string;
  kind: BlocklistKind;
  value: string;
  reason?: string;
  addedBy: string;
  addedAt: Date;
}

const RULES_ID = 'fraud-rules';

const rulesSchema = new Schema<RulesDoc>(
  { _id: String, rules: { type: Schema.Types.Mixed, required: true }, updatedAt: Date, updatedBy: String },
  { versionKey: false },
);
const blocklistSchema = new Schema<BlocklistDoc>(
  {
    _id: String,
    kind: { type: String, required: true, index: true },
    value: { type: String, required: true },
    reason: String,
    addedBy: { type: String, required: true },
    addedAt: { type: Date, required: true },
  },
  { versionKey: false },
);

const blocklistId = (kind: BlocklistKind, value: string) => `${kind}:${value}`;

/**
 * The fraud rules (one document, replaced as a whole by `PUT /v1/fraud/rules`) and the blocklists (one
 * document per entry, its id the kind and the normalized value, so a lookup is one read by id).
 *
 * The rules are read for every screened order, so a replica keeps them for `cacheMs`: a change reaches
 * every replica within that time. Blocklist lookups are never cached: an entry added counts at once.
 */
export class FraudSettings {
  private readonly rulesModel: Model<RulesDoc>;
  private readonly blocklistModel: Model<BlocklistDoc>;
  private cached?: { rules: FraudRules; until: number };

  constructor(
    db: Connection,
    private readonly cacheMs: number,
  ) {
    this.rulesModel = db.model<RulesDoc>('FraudRules', rulesSchema, 'fraud_settings');
    this.blocklistModel = db.model<BlocklistDoc>('FraudBlocklist', blocklistSchema, 'fraud_blocklist');
  }

  /** The rules in force: those last put, else the defaults. */
  async rules(): Promise<{ rules: FraudRules; updatedAt?: Date; updatedBy?: string }> {
    const doc = await this.rulesModel.findById(RULES_ID).lean<RulesDoc>().exec();
    if (!doc) return { rules: DEFAULT_FRAUD_RULES };
    // Stored by an older version with fewer rules: the missing ones take their defaults.
    const parsed = fraudRulesSchema.safeParse({ ...DEFAULT_FRAUD_RULES, ...doc.rules });
    return { rules: parsed.success ? parsed.data : DEFAULT_FRAUD_RULES, updatedAt: doc.updatedAt, updatedBy: doc.updatedBy };
  }

  async cachedRules(now = Date.now()): Promise<FraudRules> {
    if (this.cached && this.cached.until > now) return this.cached.rules;
    const { rules } = await this.rules();
    this.cached = { rules, until: now + this.cacheMs };
    return rules;
  }

  /** Replace the rules; answers them as stored. */
  async replaceRules(rules: FraudRules, actor: string): Promise<{ rules: FraudRules; updatedAt: Date; updatedBy: string }> {
    const stored = { rules, updatedAt: new Date(), updatedBy: actor };
    await this.rulesModel.replaceOne({ _id: RULES_ID }, stored, { upsert: true }).exec();
    this.cached = undefined;
    return stored;
  }

  /** The entries among `candidates` that are blocklisted (one read by id per candidate, in parallel). */
  async blocked(candidates: Array<{ kind: BlocklistKind; value: string }>): Promise<Array<{ kind: BlocklistKind; value: string }>> {
    const found = await Promise.all(candidates.map((c) => this.blocklistModel.exists({ _id: blocklistId(c.kind, c.value) }).exec()));
    return candidates.filter((_, i) => found[i] !== null);
  }

  /** Add or replace an entry; answers it as stored. */
  async block(kind: BlocklistKind, value: string, reason: string | undefined, actor: string): Promise<BlocklistDoc> {
    const entry = { kind, value, ...(reason ? { reason } : {}), addedBy: actor, addedAt: new Date() };
    await this.blocklistModel.replaceOne({ _id: blocklistId(kind, value) }, entry, { upsert: true }).exec();
    return { _id: blocklistId(kind, value), ...entry };
  }

  /** Remove an entry; false when there was none. */
  async unblock(kind: BlocklistKind, value: string): Promise<boolean> {
    const result = await this.blocklistModel.deleteOne({ _id: blocklistId(kind, value) }).exec();
    return result.deletedCount > 0;
  }

  async entry(kind: BlocklistKind, value: string): Promise<BlocklistDoc | null> {
    return this.blocklistModel.findById(blocklistId(kind, value)).lean<BlocklistDoc>().exec();
  }

  /**
   * One page of a kind's entries in id order, after `cursor` (an id). The kind filter is an equality the
   * store answers from its index; blocklists are hand-kept lists of hundreds or thousands, not millions.
   */
  async list(kind: BlocklistKind, limit: number, cursor?: string): Promise<{ items: BlocklistDoc[]; nextCursor: string | null }> {
    const filter = cursor ? { kind, _id: { $gt: cursor } } : { kind };
    const items = await this.blocklistModel
      .find(filter)
      .sort({ _id: 1 })
      .limit(limit + 1)
      .lean<BlocklistDoc[]>()
      .exec();
    const more = items.length > limit;
    const page = items.slice(0, limit);
    return { items: page, nextCursor: more ? page[page.length - 1]!._id : null };
  }
}
