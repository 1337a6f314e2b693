import { dayOf, daysToWalk, inTimeOrder, nextTimeCursor, walkBuckets, walkDays, type DayIndex, type TimeCursor } from '@oms/mongo';
import { ACTIVE_STATUSES, canJoinPickList, isActive, queueOf, type FulfillmentStatus } from '../domain/fulfillment';
import { hourOf, type FulfillmentDoc, type FulfillmentModel } from './fulfillment-model';

/** The store's bookkeeping, which no reader needs. */
const HIDDEN = { outbox: 0, processed: 0, sent: 0 } as const;

/**
 * The days of a queue (`fulfillment_days`, kind `queue:<locationId>|<status>`), noted before a fulfillment
 * enters it: a done queue's on each change into it, the active queues' all four when work arrives at the
 * location (noteArrival).
 */
export const queueDayKind = (queue: string) => `queue:${queue}`;
/** The locations with active queues (a set kept in `fulfillment_days`: the location id in the `day` field). */
const ACTIVE_LOCATIONS = 'active-locations';
/** Marks the one-off noting of the active days of work stored before they were noted. */
const ACTIVE_DAYS_BACKFILL = 'active-queue-days-v1';
const DAY_MS = 24 * 3_600_000;

export interface QueueQuery {
  locationId: string;
  status: FulfillmentStatus;
  /** By ship-by time: `asc` (what must leave first, first) or `desc`. */
  sort: 'asc' | 'desc';
  limit: number;
  after?: TimeCursor;
}

export interface QueuePage {
  items: FulfillmentDoc[];
  nextCursor: string | null;
}

const keyOf = (f: FulfillmentDoc): TimeCursor => ({ at: new Date(f.shipBy).toISOString(), id: f._id });

/** One bucket's fulfillments in the queue's order (ship-by time, then id), after the cursor, at most `want`. */
const inQueueOrder = (docs: FulfillmentDoc[], query: Pick<QueueQuery, 'sort' | 'after'>, want: number) => inTimeOrder(docs, keyOf, query, want);

/** The 24 hours of a day (`2026-12-07T00` ... `T23`) in the walk's direction. */
function hoursOf(day: string, sort: 'asc' | 'desc'): string[] {
  const hours = Array.from({ length: 24 }, (_, h) => `${day}T${String(h).padStart(2, '0')}`);
  return sort === 'asc' ? hours : hours.reverse();
}

/** The reads of fulfillments; every change goes through the fulfillments' AggregateStore. */
export class FulfillmentRepository {
  constructor(
    readonly model: FulfillmentModel,
    readonly days: DayIndex,
  ) {}

  /** An order's fulfillments, by location. */
  ofOrder(orderId: string): Promise<FulfillmentDoc[]> {
    return this.model.find({ orderId }, HIDDEN).sort({ locationId: 1 }).lean<FulfillmentDoc[]>().exec();
  }

  byId(id: string): Promise<FulfillmentDoc | null> {
    return this.model.findById(id, HIDDEN).lean<FulfillmentDoc>().exec();
  }

  /**
   * Before fulfillment `id` may enter a done queue: that queue's day of it is noted, or the list would never
   * read it (a note without entries costs one empty read). Nothing for an unknown fulfillment.
   */
  async noteQueueDay(id: string, status: FulfillmentStatus): Promise<void> {
    if (isActive(status)) return;
    const known = await this.model.findById(id, { locationId: 1, shipBy: 1 }).lean<Pick<FulfillmentDoc, 'locationId' | 'shipBy'>>();
    if (known) await this.days.note(queueDayKind(queueOf(known.locationId, status)), dayOf(known.shipBy));
  }

  /**
   * Before work arrives at a location (opened, or opened again): the days of its ship-by `times` are noted
   * for the location's four active queues at once, so a fulfillment keeps being found as it moves from open
   * to picking to packed (or ready for pickup) on the same day, with no note on the way.
   */
  async noteArrival(locationId: string, ...times: Date[]): Promise<void> {
    const days = [...new Set(times.map((t) => dayOf(t)))];
    await this.days.noteAll([
      { kind: ACTIVE_LOCATIONS, day: locationId },
      ...ACTIVE_STATUSES.flatMap((status) => days.map((day) => ({ kind: queueDayKind(queueOf(locationId, status)), day }))),
    ]);
  }

  /**
   * Drop the active queues' past days that hold no work any more, so a page never walks them again. Only
   * days two or more days back: work only arrives on its ship-by day, never before the day it arrives
   * (shipByOf), so such a day can get none again, and the margin covers clocks and slow writers around
   * midnight. A day is empty when none of the four active queues has it, asked in the order work moves
   * (open, picking, packed, ready for pickup): work moving on while they are asked is found in the next.
   */
  async dropEmptyActiveDays(now = new Date()): Promise<number> {
    const newestDroppable = dayOf(new Date(now.getTime() - 2 * DAY_MS));
    let dropped = 0;
    for (const locationId of await this.days.days(ACTIVE_LOCATIONS)) {
      const kinds = ACTIVE_STATUSES.map((status) => queueDayKind(queueOf(locationId, status)));
      const noted = [...new Set((await Promise.all(kinds.map((kind) => this.days.days(kind)))).flat())].sort();
      for (const day of noted.filter((d) => d <= newestDroppable)) {
        if (await this.anyActiveOn(locationId, day)) continue;
        for (const kind of kinds) await this.days.forget(kind, [day]);
        dropped++;
      }
    }
    return dropped;
  }

  private async anyActiveOn(locationId: string, day: string): Promise<boolean> {
    for (const status of ACTIVE_STATUSES) if (await this.model.exists({ queue: queueOf(locationId, status), queueDay: day })) return true;
    return false;
  }

  /**
   * Once: work stored before the active queues were read by day and hour gets its days noted and its hour
   * set (each active status, one equality query; each hour set under the fulfillment's lock, `locked`, as
   * every change of a fulfillment is).
   */
  async listExistingActiveWork(locked: (id: string, work: () => Promise<unknown>) => Promise<unknown>): Promise<void> {
    if (await this.days.isDone(ACTIVE_DAYS_BACKFILL)) return;
    for (const status of ACTIVE_STATUSES) {
      const docs = await this.model
        .find({ status }, { locationId: 1, shipBy: 1, queueHour: 1 })
        .lean<Array<Pick<FulfillmentDoc, '_id' | 'locationId' | 'shipBy' | 'queueHour'>>>();
      const byLocation = new Map<string, Date[]>();
      for (const d of docs) byLocation.set(d.locationId, [...(byLocation.get(d.locationId) ?? []), new Date(d.shipBy)]);
      for (const [locationId, times] of byLocation) await this.noteArrival(locationId, ...times);
      for (const d of docs.filter((x) => !x.queueHour))
        await locked(d._id, () => this.model.updateOne({ _id: d._id }, { $set: { queueHour: hourOf(d.shipBy) } }).exec());
    }
    await this.days.markDone(ACTIVE_DAYS_BACKFILL);
  }

  /**
   * One page of a location's work queue by ship-by time (docs/fulfillment.md), read day by day (by ship-by
   * day), each day one equality query. The days of an active queue are those with work in flight (past days
   * are dropped once empty, dropEmptyActiveDays); a done queue's grow with its history.
   */
  async queue(query: QueueQuery): Promise<QueuePage> {
    if (isActive(query.status)) return this.activeQueue(query);
    const queue = queueOf(query.locationId, query.status);
    const inOrder = (docs: FulfillmentDoc[], want: number) => inQueueOrder(docs, query, want);
    const find = (filter: Record<string, unknown>) => this.model.find(filter, HIDDEN).lean<FulfillmentDoc[]>().exec();
    const days = daysToWalk(await this.days.days(queueDayKind(queue)), { after: query.after, sort: query.sort });
    const walk = await walkDays(days, query.limit, async (day, want) => inOrder(await find({ queue, queueDay: day }), want));
    return { items: walk.items, nextCursor: nextTimeCursor(walk, query.sort, keyOf) };
  }

  /**
   * A page of an active queue: its days (those with work in flight), each read hour by hour (`queueHour`),
   * from the cursor's hour on. An hour without work costs one empty equality query.
   */
  private async activeQueue(query: QueueQuery): Promise<QueuePage> {
    const queue = queueOf(query.locationId, query.status);
    const { sort, after } = query;
    const days = daysToWalk(await this.days.days(queueDayKind(queue)), { after, sort });
    const from = after ? hourOf(after.at) : undefined;
    const hours = days.flatMap((day) => hoursOf(day, sort)).filter((h) => !from || (sort === 'asc' ? h >= from : h <= from));
    const walk = await walkBuckets(hours, query.limit, async (hour, want) =>
      inQueueOrder(await this.model.find({ queue, queueHour: hour }, HIDDEN).lean<FulfillmentDoc[]>().exec(), query, want),
    );
    return { items: walk.items, nextCursor: nextTimeCursor(walk, sort, keyOf) };
  }

  /**
   * The open work of a location that a pick list of `max` may take, and what `pickListId` took already (a
   * redelivery): the open queue read by ship-by hour, oldest first, whole hours, until `max` of them may join.
   */
  async pickListCandidates(locationId: string, pickListId: string, max: number): Promise<FulfillmentDoc[]> {
    const taken = await this.inPickList(pickListId);
    const queue = queueOf(locationId, 'open');
    const open: FulfillmentDoc[] = [];
    walk: for (const day of await this.days.days(queueDayKind(queue)))
      for (const hour of hoursOf(day, 'asc')) {
        open.push(...(await this.model.find({ queue, queueHour: hour }, HIDDEN).lean<FulfillmentDoc[]>()));
        if (open.filter(canJoinPickList).length >= max) break walk;
      }
    return [...taken, ...open.filter((f) => !taken.some((t) => t._id === f._id))];
  }

  /**
   * Every fulfillment waiting for its customer, at any location: `status` is an equality FerretDB pushes
   * down, and what waits at once is the stores' shelves of pickups, not the history.
   */
  waitingForPickup(): Promise<Array<Pick<FulfillmentDoc, '_id' | 'readyAt' | 'pickupRemindedAt' | 'pickupExpiredAt'>>> {
    return this.model
      .find({ status: 'ready_for_pickup' }, { readyAt: 1, pickupRemindedAt: 1, pickupExpiredAt: 1 })
      .lean<Array<Pick<FulfillmentDoc, '_id' | 'readyAt' | 'pickupRemindedAt' | 'pickupExpiredAt'>>>()
      .exec();
  }

  inPickList(pickListId: string): Promise<FulfillmentDoc[]> {
    return this.model.find({ pickListId }, HIDDEN).lean<FulfillmentDoc[]>().exec();
  }

  /**
   * The fulfillments a cancel of the order may change: those not packed or collected (isCancellable), and those `messageId` changed already,
   * so that a redelivery of the cancel still publishes what their change stored.
   */
  async cancelCandidates(orderId: string, messageId: string): Promise<string[]> {
    const docs = await this.model
      .find({ orderId, $or: [{ status: { $in: ['open', 'picking', 'ready_for_pickup'] } }, { processed: messageId }] }, { _id: 1 })
      .sort({ locationId: 1 })
      .lean<Array<{ _id: string }>>();
    return docs.map((d) => d._id);
  }
}
