import type { UpdateQuery } from 'mongoose';
import {
  bucketsOf,
  dayOf,
  daysToWalk,
  InsertBatcher,
  nextTimeCursor,
  walkBuckets,
  walkDays,
  type DayIndex,
  type DayWalk,
  type InsertOutcome,
  type TimeBuckets,
} from '@oms/mongo';
import type { OutboxEntry } from '@oms/outbox';
import { initialCheckKeys } from '../domain/check-keys';
import type { OrderChange, OrderState } from '../domain/order';
import { paymentAmountsOf, paymentStatusOf, totalsWithPayments } from '../domain/payment-status';
import { LIST_FIELDS_BACKFILL_MARKER, ORDER_DAY_KIND, orderTimeBuckets, skuDayKind } from './order-days';
import type { OrderModel } from './order-model';
import { findsFewOrders, orderListFilter, type OrderListQuery } from './order-query';

/** Fields the store keeps for its own use (the outbox, the lists): never shown, never part of the domain's state. */
const STORE_FIELDS = [
  'processed',
  'outbox',
  'sent',
  'sentBy',
  'outboxPending',
  'customerEmail',
  'createdDay',
  'createdSecond',
  'createdBuckets',
  'skus',
  'holdReasons',
] as const;

const HIDDEN = Object.fromEntries(STORE_FIELDS.map((f) => [f, 0])) as Record<(typeof STORE_FIELDS)[number], 0>;

/** A list shows what an order is, not its whole history (the timeline) or what the channel sent besides. */
const HIDDEN_IN_LIST = { ...HIDDEN, timeline: 0, source: 0 } as const;

/**
 * What a channel sent besides the canonical fields is kept for reference as a JSON string: it can be any
 * shape, and FerretDB 1.x cannot store some shapes (arrays nested in arrays), so an accepted order would
 * otherwise fail to be stored.
 */
const packSource = (source: unknown) => (source === undefined ? undefined : JSON.stringify(source));
const unpackSource = (source: unknown) => (typeof source === 'string' ? JSON.parse(source) : source);

const withoutStoreFields = (doc: Record<string, unknown>) => {
  const rest = { ...doc };
  for (const field of STORE_FIELDS) delete rest[field];
  return rest;
};

export function toState(doc: Record<string, unknown>): OrderState {
  const { _id, updatedAt: _u, ...rest } = withoutStoreFields(doc);
  return { id: _id, ...rest, source: unpackSource(rest.source), checkKeys: rest.checkKeys ?? initialCheckKeys(String(_id)) } as OrderState;
}

/**
 * The fields lists filter on, derived from the order's lines and holds (whichever `set` has): top-level
 * arrays, because FerretDB 1.x pushes down equalities on top-level fields only (an array matches each of its values).
 */
export function listFields(set: Pick<OrderChange['set'], 'lines' | 'holds'>) {
  return {
    ...(set.lines ? { skus: [...new Set(set.lines.map((l) => l.sku))] } : {}),
    ...(set.holds ? { holdReasons: [...new Set(set.holds.map((h) => h.reason))] } : {}),
  };
}

/** The order as clients see it, with its money totals derived from what it carries (never stored: one source of truth). */
export function toView(doc: Record<string, unknown>) {
  // paymentAmounts shows in the totals (paid, captured, refunded), not as a field of its own.
  const { _id, paymentAmounts, ...rest } = withoutStoreFields(doc);
  return {
    id: _id,
    ...rest,
    ...(rest.source === undefined ? {} : { source: unpackSource(rest.source) }),
    ...(rest.lines && rest.shipping && rest.payment && rest.checks ? moneyView({ ...rest, paymentAmounts } as unknown as OrderState) : {}),
  };
}

/** The payment with its status, and the totals with what was paid (domain/payment-status.ts). */
function moneyView(order: OrderState) {
  const amounts = paymentAmountsOf(order);
  return { payment: { ...order.payment, status: paymentStatusOf(order, amounts) }, totals: totalsWithPayments(order, amounts) };
}

export interface OrderPage {
  items: Array<ReturnType<typeof toView>>;
  /** Pass back as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

const skuNotes = (createdAt: string, skus: string[]) => skus.map((sku) => ({ kind: skuDayKind(sku), day: dayOf(createdAt) }));

export class OrderRepository {
  /** New orders: the intake messages in flight share one insertMany. */
  private readonly newOrders: InsertBatcher<Record<string, unknown>>;
  readonly buckets: TimeBuckets;

  constructor(
    readonly model: OrderModel,
    readonly days: DayIndex,
  ) {
    // Stored as given: insert() builds the whole document (no defaults or casting to apply).
    this.newOrders = new InsertBatcher(model, { asGiven: true });
    this.buckets = orderTimeBuckets(days);
  }

  async view(id: string) {
    const doc = await this.model.findById(id, HIDDEN).lean();
    return doc ? toView(doc) : null;
  }

  /** Every stored order has its list fields: remembered once seen (the backfill never undoes itself). */
  private listFieldsComplete = false;

  /**
   * One page of orders in creation order (docs/orders-list.md). FerretDB 1.x sorts every match of a query
   * in its own memory, so each query must match few orders: a filter that finds few orders in all (one
   * customer's, those on hold) is one query; a SKU's orders are read day by day over the days it was
   * ordered on; everything else walks the time buckets (TimeBuckets), a bucket per query, until the page
   * is full, the buckets run out, or the walk's time budget is spent (walkBuckets).
   */
  async list(query: OrderListQuery): Promise<OrderPage> {
    if (query.channels?.length === 0) return { items: [], nextCursor: null };
    const complete = await this.everyOrderHasListFields();
    const filter = orderListFilter(query, { listFields: complete });
    const range = { from: query.createdFrom, to: query.createdTo, after: query.after, sort: query.sort };
    const direction = query.sort === 'desc' ? -1 : 1;
    const find = (where: Record<string, unknown>, want: number) =>
      this.model
        .find({ ...filter, ...where }, HIDDEN_IN_LIST)
        .sort({ createdAt: direction, _id: direction })
        .limit(want)
        .lean<Array<Record<string, unknown>>>()
        .exec();
    let walk: DayWalk<Record<string, unknown>>;
    // Text that is an external id, exactly, finds that order in one query (an equality FerretDB pushes
    // down), however old: what someone pasting an order number from an e-mail wants. Free text is walked.
    const byExternalId = query.q && !query.after ? await this.findByExternalId({ ...query, q: undefined }, query.q) : [];
    if (byExternalId.length > 0) {
      walk = { items: byExternalId.slice(0, query.limit), more: byExternalId.length > query.limit };
    } else if (!complete) {
      walk = await walkDays(daysToWalk(await this.days.days(ORDER_DAY_KIND), range), query.limit, (day, want) => find({ createdDay: day }, want));
    } else if (findsFewOrders(query)) {
      const found = await find({}, query.limit + 1);
      walk = { items: found.slice(0, query.limit), more: found.length > query.limit };
    } else if (query.sku) {
      const days = daysToWalk(await this.days.days(skuDayKind(query.sku)), range);
      walk = await walkDays(days, query.limit, (day, want) => find({ createdBuckets: day }, want));
    } else {
      walk = await walkBuckets(this.buckets.toRead(range), query.limit, (bucket, want) => find({ createdBuckets: bucket }, want));
    }
    const nextCursor = nextTimeCursor(walk, query.sort, (doc) => ({ at: doc.createdAt as string, id: doc._id as string }));
    return { items: walk.items.map(toView), nextCursor };
  }

  /** The orders with this external id (one per channel at most) that match the rest of the query, in its order. */
  private async findByExternalId(rest: OrderListQuery, externalId: string) {
    const direction = rest.sort === 'desc' ? -1 : 1;
    return this.model
      .find({ ...orderListFilter(rest, { listFields: await this.everyOrderHasListFields() }), externalId }, HIDDEN_IN_LIST)
      .sort({ createdAt: direction, _id: direction })
      .lean<Array<Record<string, unknown>>>()
      .exec();
  }

  private async everyOrderHasListFields(): Promise<boolean> {
    this.listFieldsComplete ||= await this.days.isDone(LIST_FIELDS_BACKFILL_MARKER);
    return this.listFieldsComplete;
  }

  /**
   * Orders waiting for a prepayment since before `cutoff` (ISO time): the status equality reaches PostgreSQL
   * on FerretDB (and the status index on MongoDB), and few orders wait at once; the age is checked here.
   */
  async awaitingPaymentBefore(cutoff: string): Promise<string[]> {
    const waiting = await this.model.find({ status: 'awaiting_payment' }, { _id: 1, createdAt: 1 }).lean<Array<{ _id: string; createdAt: string }>>();
    return waiting.filter((o) => o.createdAt < cutoff).map((o) => o._id);
  }

  /** Note the day of each of `skus` for an order created at `createdAt`: before storing lines that add a SKU. */
  async noteSkus(createdAt: string, skus: string[]): Promise<void> {
    await this.days.noteAll(skuNotes(createdAt, skus));
  }

  /**
   * Store a new order with the events of its acceptance in `sent` (the caller publishes them with
   * AggregateStore.publishInserted). `duplicate`: an order with this id, or this channel and external id, exists.
   */
  async insert(state: OrderState, change: OrderChange, messageId: string, events: OutboxEntry[]): Promise<InsertOutcome> {
    const { id, timeline, ...rest } = state;
    const now = new Date().toISOString();
    const fields = listFields({ lines: state.lines, holds: change.set.holds ?? state.holds });
    // The notes first: a bucket noted without orders costs an empty read; an order in an unnoted one is never listed.
    await this.days.noteAll([...this.buckets.notesFor(state.createdAt), ...skuNotes(state.createdAt, fields.skus ?? [])]);
    return this.newOrders.insert({
      _id: id,
      ...rest,
      source: packSource(rest.source),
      ...change.set,
      ...fields,
      customerEmail: state.customer.email.toLowerCase(),
      createdDay: dayOf(state.createdAt),
      createdBuckets: bucketsOf(state.createdAt),
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
  return { $set: { ...change.set, ...listFields(change.set), updatedAt: new Date().toISOString() }, $push: { timeline: { $each: change.timeline } } };
}

/** The order after `change`, as clients see it: what the write just stored, without reading it back. */
export function viewAfter(doc: Record<string, unknown>, change: OrderChange) {
  return toView({ ...doc, ...change.set, timeline: [...((doc.timeline as OrderState['timeline'] | undefined) ?? []), ...change.timeline] });
}
