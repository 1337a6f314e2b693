import type { Connection } from 'mongoose';
import { DayIndex } from '@oms/mongo';

/**
 * The days on which orders were created (`order_days`), which the order list walks one at a time
 * (docs/orders-list.md). All orders share one kind, `day` (document ids `day:2026-12-05`), as stored since
 * the first release that had it.
 */
export const ORDER_DAY_KIND = 'day';

export const orderDays = (db: Connection) => new DayIndex(db, 'order_days');
