import { Schema, type Connection, type Model } from 'mongoose';
import { RULE_IDS, type RuleId, type RuleSettings } from '@oms/contracts';
import { RULES } from '../domain/rules';

/** What ops changed of a built-in rule (only the fields they set: the rest are the rule's defaults). */
interface RuleSettingsDoc extends Partial<RuleSettings> {
  _id: RuleId;
  updatedBy?: string;
  updatedAt?: Date;
}

export interface RuleView extends RuleSettings {
  id: RuleId;
  name: string;
  description: string;
  defaults: RuleSettings;
  updatedBy?: string;
  updatedAt?: Date;
}

const schema = new Schema<RuleSettingsDoc>(
  {
    _id: { type: String, enum: RULE_IDS },
    enabled: Boolean,
    afterHours: Number,
    createTask: Boolean,
    assignee: String,
    priority: String,
    dueInHours: Number,
    flagRed: Boolean,
    emitEvent: Boolean,
    updatedBy: String,
    updatedAt: Date,
  },
  { versionKey: false, collection: 'rule_settings' },
);

/** The rules in force: each built-in rule's defaults with what ops set over them. A handful of documents. */
export class RuleSettingsRepository {
  readonly model: Model<RuleSettingsDoc>;

  constructor(db: Connection) {
    this.model = db.model<RuleSettingsDoc>('RuleSettings', schema);
  }

  async all(): Promise<RuleView[]> {
    const stored = new Map((await this.model.find().lean<RuleSettingsDoc[]>().exec()).map((d) => [d._id, d]));
    return RULES.map((rule) => viewOf(rule.id, stored.get(rule.id)));
  }

  async get(id: RuleId): Promise<RuleView> {
    return viewOf(id, (await this.model.findById(id).lean<RuleSettingsDoc>().exec()) ?? undefined);
  }

  /** Set the given fields (one atomic `$set`: two changes of different fields never undo each other). */
  async set(id: RuleId, changes: Partial<RuleSettings>, actor: string): Promise<RuleView> {
    await this.model.updateOne({ _id: id }, { $set: { ...changes, updatedBy: actor, updatedAt: new Date() } }, { upsert: true }).exec();
    return this.get(id);
  }
}

function viewOf(id: RuleId, stored: RuleSettingsDoc | undefined): RuleView {
  const rule = RULES.find((r) => r.id === id)!;
  const { _id, updatedBy, updatedAt, ...changed } = stored ?? ({} as RuleSettingsDoc);
  const settings = { ...rule.defaults, ...Object.fromEntries(Object.entries(changed).filter(([, v]) => v !== undefined && v !== null)) };
  return {
    id,
    name: rule.name,
    description: rule.description,
    ...settings,
    defaults: rule.defaults,
    ...(updatedBy ? { updatedBy, updatedAt } : {}),
  };
}
