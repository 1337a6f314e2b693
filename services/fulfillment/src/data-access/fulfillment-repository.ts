import { dayOf, daysToWalk, nextTimeCursor, walkDays, type DayIndex, type DayWalk, type TimeCursor } from '@oms/mongo';
import { isActive, queueOf, type FulfillmentStatus } from '../domain/fulfillment';
import type { FulfillmentDoc, FulfillmentModel } from './fulfillment-model';

/** The store's bookkeeping, which no reader needs. */
const HIDDEN = { outbox: 0, processed: 0, sent: 0 } as const;

/** The days of a done queue (`fulfillment_days`, kind `queue:<locationId>|<status>`), noted before a fulfillment enters it. */
export const queueDayKind = (queue: string) => `queue:${queue}`;

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

/** Ship-by time, then id: the queue's order, either way. */
function compare(a: TimeCursor, b: TimeCursor): number {
  return a.at < b.at ? -1 : a.at > b.at ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
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
   * One page of a location's work queue by ship-by time (docs/fulfillment.md). An active queue (open,
   * picking, packed) holds the work in flight, whatever the history: one equality query, sorted here. A
   * done queue grows with history: it is read day by day (by ship-by day), each day one equality query.
   */
  async queue(query: QueueQuery): Promise<QueuePage> {
    const queue = queueOf(query.locationId, query.status);
    const inOrder = (docs: FulfillmentDoc[], want: number) => {
      const sorted = docs.sort((a, b) => (query.sort === 'asc' ? 1 : -1) * compare(keyOf(a), keyOf(b)));
      const after = query.after;
      const rest = after ? sorted.filter((d) => (query.sort === 'asc' ? 1 : -1) * compare(keyOf(d), after) > 0) : sorted;
      return rest.slice(0, want);
    };
    const find = (filter: Record<string, unknown>) => this.model.find(filter, HIDDEN).lean<FulfillmentDoc[]>().exec();
    let walk: DayWalk<FulfillmentDoc>;
    if (isActive(query.status)) {
      const found = inOrder(await find({ queue }), query.limit + 1);
      walk = { items: found.slice(0, query.limit), more: found.length > query.limit };
    } else {
      const days = daysToWalk(await this.days.days(queueDayKind(queue)), { after: query.after, sort: query.sort });
      walk = await walkDays(days, query.limit, async (day, want) => inOrder(await find({ queue, queueDay: day }), want));
    }
    return { items: walk.items, nextCursor: nextTimeCursor(walk, query.sort, keyOf) };
  }

  /** The open work of a location that a pick list may take, and what `pickListId` took already (a redelivery). */
  async pickListCandidates(locationId: string, pickListId: string): Promise<FulfillmentDoc[]> {
    const [open, taken] = await Promise.all([
      this.model.find({ queue: queueOf(locationId, 'open') }, HIDDEN).lean<FulfillmentDoc[]>(),
      this.inPickList(pickListId),
    ]);
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
