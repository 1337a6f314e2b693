import type { Envelope } from '@oms/contracts';
import { InsertBatcher, type InsertOutcome } from '@oms/mongo';
import { initialCheckKeys } from '../domain/check-keys';
import type { OrderChange, OrderState } from '../domain/order';
import type { OrderModel } from './order-model';
import { encodeCursor, orderListFilter, type OrderListQuery } from './order-query';

const HIDDEN = { processed: 0, outbox: 0, inserted: 0, customerEmail: 0 } as const;
/** A list shows what an order is, not its whole history (the timeline) or what the channel sent besides. */
const HIDDEN_IN_LIST = { ...HIDDEN, timeline: 0, source: 0 } as const;

/**
 * What a channel sent besides the canonical fields is kept for reference as a JSON string: it can be any
 * shape, and FerretDB 1.x cannot store some shapes (arrays nested in arrays), so an accepted order would
 * otherwise fail to be stored.
 */
const packSource = (source: unknown) => (source === undefined ? undefined : JSON.stringify(source));
const unpackSource = (source: unknown) => (typeof source === 'string' ? JSON.parse(source) : source);

export function toState(doc: Record<string, any>): OrderState {
  const { _id, processed: _p, outbox: _o, inserted: _i, updatedAt: _u, customerEmail: _e, ...rest } = doc;
  return { id: _id, ...rest, source: unpackSource(rest.source), checkKeys: rest.checkKeys ?? initialCheckKeys(_id) } as OrderState;
}

/** The order as clients see it. */
export function toView(doc: Record<string, any>) {
  const { _id, processed: _p, outbox: _o, inserted: _i, customerEmail: _e, ...rest } = doc;
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

  constructor(readonly model: OrderModel) {
    // Stored as given: insert() builds the whole document (no defaults or casting to apply).
    this.newOrders = new InsertBatcher(model, { asGiven: true });
  }

  /** The order with what its writer needs besides: the ids it has processed and its unpublished outbox. */
  async find(id: string): Promise<(OrderState & { processed: string[]; outbox: Envelope[] }) | null> {
    const doc = await this.model.findById(id).lean();
    return doc ? { ...toState(doc), processed: (doc.processed as string[]) ?? [], outbox: (doc.outbox as Envelope[]) ?? [] } : null;
  }

  async view(id: string) {
    const doc = await this.model.findById(id, HIDDEN).lean();
    return doc ? toView(doc) : null;
  }

  /** One page of orders in creation order; one more is read to know whether another page follows. */
  async list(query: OrderListQuery): Promise<OrderPage> {
    if (query.channels?.length === 0) return { items: [], nextCursor: null };
    const direction = query.sort === 'desc' ? -1 : 1;
    const docs = await this.model
      .find(orderListFilter(query), HIDDEN_IN_LIST)
      .sort({ createdAt: direction, _id: direction })
      .limit(query.limit + 1)
      .lean();
    const page = docs.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toView),
      nextCursor: docs.length > query.limit && last ? encodeCursor({ createdAt: last.createdAt as string, id: last._id }) : null,
    };
  }

  /**
   * Store a new order with the events of its acceptance (in `inserted`: the caller publishes them with
   * OutboxRelay.publishInserted). `duplicate`: an order with this id, or this channel and external id, exists.
   */
  async insert(state: OrderState, change: OrderChange, messageId: string, events: Envelope[]): Promise<InsertOutcome> {
    const { id, timeline, ...rest } = state;
    const now = new Date().toISOString();
    return this.newOrders.insert({ _id: id, ...rest, source: packSource(rest.source), ...change.set, customerEmail: state.customer.email.toLowerCase(), timeline: [...timeline, ...change.timeline], processed: [messageId], outbox: [], inserted: events, updatedAt: now });
  }

  /** What an order's acceptance stored to publish, and what is still in its outbox; null for no such order. */
  async unpublished(id: string): Promise<{ inserted: Envelope[]; outbox: Envelope[] } | null> {
    const doc = await this.model.findById(id, { inserted: 1, outbox: 1 }).lean();
    return doc ? { inserted: (doc.inserted as Envelope[]) ?? [], outbox: (doc.outbox as Envelope[]) ?? [] } : null;
  }

  /**
   * Apply one change in ONE document write: new fields, timeline entries, the processed message id and the
   * outbox entries together. The caller holds the order's lock (single writer), so fields computed from the
   * state it read are safe to `$set` on FerretDB as on MongoDB.
   */
  async apply(id: string, change: OrderChange, messageId: string, outbox: Envelope[]): Promise<void> {
    await this.model.updateOne(
      { _id: id },
      {
        $set: { ...change.set, updatedAt: new Date().toISOString() },
        $push: { timeline: { $each: change.timeline }, processed: messageId, outbox: { $each: outbox } },
      },
    );
  }
}
