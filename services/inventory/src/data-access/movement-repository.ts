import type { Model } from 'mongoose';
import { dayOf, daysToWalk, isOnlyDuplicateKeyErrors, nextTimeCursor, walkDays, type DayIndex, type TimeCursor } from '@oms/mongo';
import type { Logger } from '@oms/logging';
import type { MovementDoc } from './movement-model';

/** The days of one SKU's ledger in the day index (`movement_days`). */
const skuKind = (sku: string) => `sku:${sku}`;
const BACKFILL_MARKER = 'movement-day-backfill';

export interface MovementPage {
  movements: MovementDoc[];
  /** Pass back as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

/** The insert-only stock ledger. */
export class MovementRepository {
  constructor(
    readonly model: Model<MovementDoc>,
    readonly days: DayIndex,
  ) {}

  /**
   * Insert ledger entries whose ids are deterministic; an entry already there (a redelivery, or a crash
   * half-way through) counts as done. The days of the entries are noted first: an entry on a day nobody
   * noted would never be listed.
   */
  async insertOnce(movements: MovementDoc[]): Promise<void> {
    if (movements.length === 0) return;
    const dated = movements.map((m) => ({ ...m, day: dayOf(m.at) }));
    await this.days.noteAll(dated.map((m) => ({ kind: skuKind(m.sku), day: m.day })));
    try {
      await this.model.insertMany(dated, { ordered: false });
    } catch (err) {
      if (!isOnlyDuplicateKeyErrors(err)) throw err;
    }
  }

  /**
   * The ledger entries with these ids, in the order of the ids. One lookup per id rather than `$in`: FerretDB
   * (development and CI) serves only equality on `_id` from an index, and the ledger only grows.
   */
  async byIds(ids: string[]): Promise<MovementDoc[]> {
    const found = await Promise.all(ids.map((id) => this.model.findById(id).lean<MovementDoc>()));
    return found.filter((m): m is MovementDoc => m !== null && m !== undefined);
  }

  /** The picks (sales) since a moment, of every SKU or only one: SKU and quantity (negative) each. */
  picksSince(since: Date, only?: string): Promise<Array<Pick<MovementDoc, 'sku' | 'quantity'>>> {
    return this.model
      .find({ type: 'pick', at: { $gte: since }, ...(only ? { sku: only } : {}) }, { sku: 1, quantity: 1 })
      .lean<Array<Pick<MovementDoc, 'sku' | 'quantity'>>>()
      .exec();
  }

  /**
   * One page of a SKU's ledger, newest first (the id breaks ties), read day by day like the order list:
   * each day by equalities on SKU and day that FerretDB pushes down, so page 1,000 costs what page 1 does.
   */
  async page(sku: string, limit: number, after?: TimeCursor): Promise<MovementPage> {
    const days = daysToWalk(await this.days.days(skuKind(sku)), { after, sort: 'desc' });
    const walk = await walkDays(days, limit, (day, want) =>
      this.model
        .find({ sku, day, ...(after ? afterCursor(after) : {}) }, { day: 0 })
        .sort({ at: -1, _id: -1 })
        .limit(want)
        .lean<MovementDoc[]>()
        .exec(),
    );
    return { movements: walk.items, nextCursor: nextTimeCursor(walk, 'desc', (m) => ({ at: new Date(m.at).toISOString(), id: m._id })) };
  }

  /**
   * Entries stored before they had a day are in no day's page. Once per database (remembered in the day
   * index), a background pass gives each its day and notes the day. The ledger is insert-only, so this is
   * the only update an entry ever gets: no lock is needed.
   */
  async backfillDays(logger: Logger): Promise<void> {
    if (await this.days.isDone(BACKFILL_MARKER)) return;
    let updated = 0;
    for await (const m of this.model.find({}, { sku: 1, at: 1, day: 1 }).lean<MovementDoc[]>().cursor()) {
      if (m.day) continue;
      const day = dayOf(m.at);
      await this.days.note(skuKind(m.sku), day);
      await this.model.updateOne({ _id: m._id }, { $set: { day } });
      if (++updated % 5000 === 0) logger.info({ updated }, 'movement day backfill: progress');
    }
    await this.days.markDone(BACKFILL_MARKER);
    logger.info({ updated }, 'movement day backfill: done');
  }
}

/** Strictly after the cursor, newest first: older, or as old with a smaller id. */
const afterCursor = (after: TimeCursor) => {
  const at = new Date(after.at);
  return { $or: [{ at: { $lt: at } }, { at, _id: { $lt: after.id } }] };
};
