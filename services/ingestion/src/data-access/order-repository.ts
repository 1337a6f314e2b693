import type { UpdateQuery } from 'mongoose';
import {
  dayOf,
  daysToWalk,
  InsertBatcher,
  minuteOf,
  secondOf,
  nextTimeCursor,
  walkBuckets,
  walkDays,
  type DayIndex,
  type DayRange,
  type InsertOutcome,
} from '@oms/mongo';
import type { OutboxEntry } from '@oms/outbox';
import { initialCheckKeys } from '../domain/check-keys';
import type { OrderChange, OrderState } from '../domain/order';
import { ORDER_DAY_KIND, SECOND_BACKFILL_MARKER, orderMinuteKind, orderSecondKind } from './order-days';
import type { OrderModel } from './order-model';
import { orderListFilter, type OrderListQuery } from './order-query';

const HIDDEN = { processed: 0, outbox: 0, sent: 0, sentBy: 0, outboxPending: 0, customerEmail: 0, createdDay: 0, createdSecond: 0 } as const;

/** A list shows what an order is, not its whole history (the timeline) or what the channel sent besides. */
const HIDDEN_IN_LIST = { ...HIDDEN, timeline: 0, source: 0 } as const;

/**
 * What a channel sent besides the canonical fields is kept for reference as a JSON string: it can be any
 * shape, and FerretDB 1.x cannot store some shapes (arrays nested in arrays), so an accepted order would
 * otherwise fail to be stored.
 */
const packSource = (source: unknown) => (source === undefined ? undefined : JSON.stringify(source));
const unpackSource = (source: unknown) => (typeof source === 'string' ? JSON.parse(source) : source);

export function toState(doc: Record<string, unknown>): OrderState {
  const {
    _id,
    processed: _p,
    outbox: _o,
    sent: _s,
    sentBy: _b,
    outboxPending: _m,
    updatedAt: _u,
    customerEmail: _e,
    createdDay: _d,
    createdSecond: _n,
    ...rest
  } = doc;
  return { id: _id, ...rest, source: unpackSource(rest.source), checkKeys: rest.checkKeys ?? initialCheckKeys(String(_id)) } as OrderState;
}

/** The order as clients see it. */
export function toView(doc: Record<string, unknown>) {
  const { _id, processed: _p, outbox: _o, sent: _s, sentBy: _b, outboxPending: _m, customerEmail: _e, createdDay: _d, createdSecond: _n, ...rest } = doc;
  return { id: _id, ...rest, ...(rest.source === undefined ? {} : { source: unpackSource(rest.source) }) };
}

export interface OrderPage {
  items: Array<ReturnType<typeof toView>>;
  /** Pass back as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

export class OrderRepository {
  /** New orders: the intake messages in flight share one insertMany. */
  private readonly newOrders: InsertBatcher<Record<string, unknown>>;

  constructor(
    readonly model: OrderModel,
    readonly days: DayIndex,
  ) {
    // Stored as given: insert() builds the whole document (no defaults or casting to apply).
    this.newOrders = new InsertBatcher(model, { asGiven: true });
  }

  async view(id: string) {
    const doc = await this.model.findById(id, HIDDEN).lean();
    return doc ? toView(doc) : null;
  }

  /** Every stored order has its createdSecond: remembered once seen (the backfill never undoes itself). */
  private secondsComplete = false;

  /**
   * One page of orders in creation order, read a bucket at a time (docs/orders-list.md): each bucket's
   * matching orders by an equality FerretDB pushes down, sorted in memory (one bucket's worth), until the
   * page is full, the buckets run out, or the walk's time budget is spent (walkBuckets). A busy day, even
   * a busy minute, holds too many orders to sort for every page, so lists walk seconds; a search for one
   * customer, SKU or text matches few orders per day, and walks whole days (a minute each would be
   * thousands of queries per day for nothing).
   */
  async list(query: OrderListQuery): Promise<OrderPage> {
    if (query.channels?.length === 0) return { items: [], nextCursor: null };
    const direction = query.sort === 'desc' ? -1 : 1;
    const filter = orderListFilter(query);
    const range = { from: query.createdFrom, to: query.createdTo, after: query.after, sort: query.sort };
    const days = daysToWalk(await this.days.days(ORDER_DAY_KIND), range);
    const selective = Boolean(query.email || query.sku || query.q);
    const bySecond = !selective && (await this.everyOrderHasItsSecond());
    const read = (field: 'createdDay' | 'createdSecond') => (bucket: string, want: number) =>
      this.model
        .find({ ...filter, [field]: bucket }, HIDDEN_IN_LIST)
        .sort({ createdAt: direction, _id: direction })
        .limit(want)
        .lean<Array<Record<string, unknown>>>()
        .exec();
    const walk = bySecond
      ? await walkBuckets(this.secondsOf(days, range), query.limit, read('createdSecond'))
      : await walkDays(days, query.limit, read('createdDay'));
    const nextCursor = nextTimeCursor(walk, query.sort, (doc) => ({ at: doc.createdAt as string, id: doc._id as string }));
    return { items: walk.items.map(toView), nextCursor };
  }

  /**
   * The seconds with orders of each minute of each day in turn, in the walk's order: a day's minutes (at
   * most 1,440 small documents) and a minute's seconds (at most 60) are looked up only when the walk gets there.
   */
  private async *secondsOf(days: string[], range: DayRange): AsyncGenerator<string> {
    for (const day of days)
      for (const minute of daysToWalk(await this.days.days(orderMinuteKind(day)), range, minuteOf))
        yield* daysToWalk(await this.days.days(orderSecondKind(minute)), range, secondOf);
  }

  private async everyOrderHasItsSecond(): Promise<boolean> {
    this.secondsComplete ||= await this.days.isDone(SECOND_BACKFILL_MARKER);
    return this.secondsComplete;
  }

  /**
   * Store a new order with the events of its acceptance in `sent` (the caller publishes them with
   * AggregateStore.publishInserted). `duplicate`: an order with this id, or this channel and external id, exists.
   */
  async insert(state: OrderState, change: OrderChange, messageId: string, events: OutboxEntry[]): Promise<InsertOutcome> {
    const { id, timeline, ...rest } = state;
    const now = new Date().toISOString();
    const createdDay = dayOf(state.createdAt);
    const createdMinute = minuteOf(state.createdAt);
    const createdSecond = secondOf(state.createdAt);
    // The buckets first: one listed without orders costs an empty read; an order in an unlisted one is never listed.
    await this.days.noteAll([
      { kind: ORDER_DAY_KIND, day: createdDay },
      { kind: orderMinuteKind(createdDay), day: createdMinute },
      { kind: orderSecondKind(createdMinute), day: createdSecond },
    ]);
    return this.newOrders.insert({
      _id: id,
      ...rest,
      source: packSource(rest.source),
      ...change.set,
      customerEmail: state.customer.email.toLowerCase(),
      createdDay,
      createdSecond,
      timeline: [...timeline, ...change.timeline],
      processed: [messageId],
      sent: events,
      sentBy: messageId,
      updatedAt: now,
    });
  }
}

/** One change of the order as update operators: new field values, and timeline entries appended. None for no change. */
export function orderUpdate(change: OrderChange): UpdateQuery<Record<string, unknown>> | undefined {
  if (Object.keys(change.set).length === 0 && change.timeline.length === 0) return undefined;
  return { $set: { ...change.set, updatedAt: new Date().toISOString() }, $push: { timeline: { $each: change.timeline } } };
}

/** The order after `change`, as clients see it: what the write just stored, without reading it back. */
export function viewAfter(doc: Record<string, unknown>, change: OrderChange) {
  return toView({ ...doc, ...change.set, timeline: [...((doc.timeline as OrderState['timeline'] | undefined) ?? []), ...change.timeline] });
}
