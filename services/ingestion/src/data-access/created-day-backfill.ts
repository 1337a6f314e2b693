import type { Logger } from '@oms/logging';
import type { AggregateStore } from '@oms/outbox';
import { dayOf, type DayIndex } from '@oms/mongo';
import { ORDER_DAY_KIND } from './order-days';
import type { OrderDocument } from './order-model';

const MARKER = 'createdDay-backfill';

/**
 * Orders stored before the list read them day by day have no `createdDay`, so no list would show them.
 * Once per database (remembered in order_days), a background pass gives each its day, under the order's
 * lock like every other write of an order (a write beside a concurrent holder could be lost on FerretDB),
 * and notes the day. Progress goes to the log every 5,000 orders.
 */
export async function backfillCreatedDay(store: AggregateStore<OrderDocument>, days: DayIndex, logger: Logger): Promise<void> {
  if (await days.isDone(MARKER)) return;
  let seen = 0;
  let updated = 0;
  for await (const doc of store.model.find({}, { _id: 1, createdAt: 1, createdDay: 1 }).lean().cursor()) {
    seen++;
    if (seen % 5000 === 0) logger.info({ seen, updated }, 'createdDay backfill: progress');
    if (doc.createdDay || typeof doc.createdAt !== 'string') continue;
    const day = dayOf(doc.createdAt);
    await days.note(ORDER_DAY_KIND, day);
    await store.withLock(String(doc._id), async (lease) => {
      await lease.assertHeld();
      await store.model.updateOne({ _id: doc._id }, { $set: { createdDay: day } });
    });
    updated++;
  }
  await days.markDone(MARKER);
  logger.info({ seen, updated }, 'createdDay backfill: done');
}
