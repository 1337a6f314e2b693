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
  /** Free text, case-insensitive, in the external id or the customer's name. */
  q?: string;
  after?: TimeCursor;
  limit: number;
  sort: 'asc' | 'desc';
}

/** User text inside a regular expression matches itself only. */
export const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The MongoDB filter of a list query (without paging position when `after` is absent). */
export function orderListFilter(query: OrderListQuery): FilterQuery<OrderDocument> {
  const and: FilterQuery<OrderDocument>[] = [];
  const oneOrIn = (values: string[]) => (values.length === 1 ? values[0] : { $in: values });
  if (query.statuses) and.push({ status: oneOrIn(query.statuses) });
  if (query.channels) and.push({ channel: oneOrIn(query.channels) });
  if (query.createdFrom || query.createdTo)
    and.push({ createdAt: { ...(query.createdFrom ? { $gte: query.createdFrom } : {}), ...(query.createdTo ? { $lt: query.createdTo } : {}) } });
  if (query.sku) and.push({ 'lines.sku': query.sku });
  if (query.email) and.push({ customerEmail: query.email.toLowerCase() });
  if (query.holdReason) and.push({ 'holds.reason': query.holdReason });
  if (query.q) {
    const pattern = { $regex: escapeRegex(query.q), $options: 'i' };
    and.push({ $or: [{ externalId: pattern }, { 'customer.name': pattern }] });
  }
  if (query.after) {
    // Strictly after the cursor in sort order; the id breaks ties between orders created in the same millisecond.
    const op = query.sort === 'desc' ? '$lt' : '$gt';
    and.push({ $or: [{ createdAt: { [op]: query.after.at } }, { createdAt: query.after.at, _id: { [op]: query.after.id } }] });
  }
  return and.length === 0 ? {} : and.length === 1 ? and[0] : { $and: and };
}
