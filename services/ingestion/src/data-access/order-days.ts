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
 * `minute:2026-12-05:2026-12-05T10:23`), and the seconds of one minute (kind `second:2026-12-05T10:23`,
 * documents `second:2026-12-05T10:23:2026-12-05T10:23:19`): a busy day, even a busy minute, holds too many
 * orders to sort for every page, so the list walks seconds, finding them minute by minute
 * (docs/orders-list.md).
 */
export const orderMinuteKind = (day: string) => `minute:${day}`;
export const orderSecondKind = (minute: string) => `second:${minute}`;

/** Set once every stored order has its `createdSecond` (list-bucket-backfill.ts); until then lists walk whole days. */
export const SECOND_BACKFILL_MARKER = 'createdSecond-backfill';

export const orderDays = (db: Connection) => new DayIndex(db, 'order_days');
