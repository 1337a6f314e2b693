import type { Connection } from 'mongoose';
import { DayIndex, TimeBuckets } from '@oms/mongo';

/**
 * The days on which orders were created (`order_days`, kind `day`, documents `day:2026-12-05`, as stored
 * since the first release that had them), and under each the finer time buckets the list walks
 * (TimeBuckets: kind `in:2026-12-05` holds the day's hours, and so on down to seconds; docs/orders-list.md).
 */
export const ORDER_DAY_KIND = 'day';

/** The days with orders of one SKU (kind `sku:<sku>`): a search by SKU reads only those days. */
export const skuDayKind = (sku: string) => `sku:${sku}`;

/**
 * Set once every stored order has the fields the lists read (list-fields-backfill.ts): `createdBuckets`,
 * `skus` and `holdReasons`. Until then lists walk whole days by `createdDay` with the old filters.
 */
export const LIST_FIELDS_BACKFILL_MARKER = 'list-fields-backfill';

export const orderDays = (db: Connection) => new DayIndex(db, 'order_days');
export const orderTimeBuckets = (days: DayIndex) => new TimeBuckets(days, ORDER_DAY_KIND);
