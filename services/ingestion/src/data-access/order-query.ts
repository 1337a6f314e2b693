import type { FilterQuery } from 'mongoose';
import type { HoldReason, OrderStatus } from '@oms/contracts';
import type { TimeCursor } from '@oms/mongo';
import type { OrderDocument } from './order-model';

export interface OrderListQuery {
  statuses?: OrderStatus[];
  /** Only these channels (the filter asked for, narrowed to what the caller may see). Empty: nothing. */
  channels?: string[];
  createdFrom?: string;
  /** Exclusive. */
  createdTo?: string;
  sku?: string;
  email?: string;
  holdReason?: HoldReason;
  /**
   * An external id, exactly: the orders with that external id (one query). Otherwise free text,
   * case-insensitive, in the external id or the customer's name (walked).
   */
  q?: string;
  after?: TimeCursor;
  limit: number;
  sort: 'asc' | 'desc';
}

/** User text inside a regular expression matches itself only. */
export const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The MongoDB filter of a list query (without paging position when `after` is absent). Equalities stay at
 * the top level, where FerretDB 1.x pushes them down to PostgreSQL (inside `$and` it would not); ranges,
 * `$in`, text and the cursor go in `$and`, which it applies in memory to what the equalities found.
 * `listFields`: every order has `skus` and `holdReasons` (list-fields-backfill.ts); until then the filter
 * reads the lines and holds themselves.
 */
export function orderListFilter(query: OrderListQuery, { listFields = true } = {}): FilterQuery<OrderDocument> {
  const filter: Record<string, unknown> = {};
  const and: FilterQuery<OrderDocument>[] = [];
  const oneOrIn = (values: string[]) => (values.length === 1 ? values[0] : { $in: values });
  if (query.statuses) filter.status = oneOrIn(query.statuses);
  if (query.channels) filter.channel = oneOrIn(query.channels);
  if (query.sku) filter[listFields ? 'skus' : 'lines.sku'] = query.sku;
  if (query.email) filter.customerEmail = query.email.toLowerCase();
  if (query.holdReason) filter[listFields ? 'holdReasons' : 'holds.reason'] = query.holdReason;
  if (query.createdFrom || query.createdTo)
    and.push({ createdAt: { ...(query.createdFrom ? { $gte: query.createdFrom } : {}), ...(query.createdTo ? { $lt: query.createdTo } : {}) } });
  if (query.q) {
    const pattern = { $regex: escapeRegex(query.q), $options: 'i' };
    and.push({ $or: [{ externalId: pattern }, { 'customer.name': pattern }] });
  }
  if (query.after) {
    // Strictly after the cursor in sort order; the id breaks ties between orders created in the same millisecond.
    const op = query.sort === 'desc' ? '$lt' : '$gt';
    and.push({ $or: [{ createdAt: { [op]: query.after.at } }, { createdAt: query.after.at, _id: { [op]: query.after.id } }] });
  }
  return (and.length === 0 ? filter : { ...filter, $and: and }) as FilterQuery<OrderDocument>;
}

/**
 * Filters whose matches are few however long the history (one customer's orders, the orders on hold now):
 * one query finds them all, cheaper than walking a year of buckets to find them.
 */
export const findsFewOrders = (query: OrderListQuery) =>
  Boolean(query.email || query.holdReason || (query.statuses?.length === 1 && query.statuses[0] === 'on_hold'));
