import { Schema, type Connection, type Model } from 'mongoose';
import { isOnlyDuplicateKeyErrors } from '@oms/mongo';
import { monthOf } from '../domain/periods';
import { REPORT_KINDS, type ReportKind, type Rollups } from '../domain/rollups';

/**
 * Per-day rollups, one document per day and report, insert-only: computed once from a closed day's facts.
 * Read a month at a time (`report` and `month`, equalities FerretDB pushes down), so a year's report reads
 * thirteen small queries whatever the number of orders. Deleted (by `day`) when a late fact changes the day.
 */
interface RollupDoc {
  _id: string;
  report: ReportKind;
  day: string;
  month: string;
  data: unknown;
}

const rollupSchema = new Schema<RollupDoc>(
  {
    _id: String,
    report: { type: String, required: true },
    day: { type: String, required: true },
    month: { type: String, required: true },
    data: { type: Schema.Types.Mixed, required: true },
  },
  { versionKey: false, collection: 'rollups', minimize: false },
);
rollupSchema.index({ report: 1, month: 1 });
rollupSchema.index({ day: 1 });

export class RollupRepository {
  readonly model: Model<RollupDoc>;

  constructor(db: Connection) {
    this.model = db.model<RollupDoc>('Rollup', rollupSchema);
  }

  /** The stored rollups of one report in one month (`2026-12`), by day. */
  async ofMonth<K extends ReportKind>(report: K, month: string): Promise<Map<string, Rollups[K]>> {
    const docs = await this.model.find({ report, month }, { day: 1, data: 1 }).lean<Pick<RollupDoc, 'day' | 'data'>[]>().exec();
    return new Map(docs.map((d) => [d.day, d.data as Rollups[K]]));
  }

  async has(report: ReportKind, day: string): Promise<boolean> {
    return (await this.model.exists({ _id: `${report}:${day}` }).exec()) !== null;
  }

  /** Store every report's rollup of a day; those another replica stored first are the same. */
  async insertDay(day: string, rollups: Rollups): Promise<void> {
    const docs = REPORT_KINDS.map((report) => ({ _id: `${report}:${day}`, report, day, month: monthOf(day), data: rollups[report] }));
    try {
      await this.model.collection.insertMany(docs as never[], { ordered: false });
    } catch (err) {
      if (!isOnlyDuplicateKeyErrors(err)) throw err;
    }
  }

  /** Drop a day's rollups: the next report computes them again from its facts. */
  async deleteDay(day: string): Promise<void> {
    await this.model.deleteMany({ day }).exec();
  }
}
