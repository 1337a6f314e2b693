import type { Connection } from 'mongoose';
import { DayIndex } from '@oms/mongo';

/**
 * The days on which orders were created (`order_days`), which the order list walks one at a time
 * (docs/orders-list.md). All orders share one kind, `day` (document ids `day:2026-12-05`), as stored since
 * the first release that had it.
 */
export const ORDER_DAY_KIND = 'day';

/**
 * The minutes of one day on which orders were created (kind `minute:2026-12-05`, documents
 * `minute:2026-12-05:2026-12-05T10:23`): a busy day holds too many orders to read in one go, so the list
 * walks its minutes instead (docs/orders-list.md).
 */
export const orderMinuteKind = (day: string) => `minute:${day}`;

/** Set once every stored order has its `createdMinute` (list-bucket-backfill.ts); until then lists walk whole days. */
export const MINUTE_BACKFILL_MARKER = 'createdMinute-backfill';

export const orderDays = (db: Connection) => new DayIndex(db, 'order_days');
