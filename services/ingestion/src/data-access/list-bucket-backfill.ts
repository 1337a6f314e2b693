import type { Logger } from '@oms/logging';
import type { AggregateStore } from '@oms/outbox';
import { dayOf, minuteOf, secondOf, type DayIndex } from '@oms/mongo';
import { ORDER_DAY_KIND, SECOND_BACKFILL_MARKER, orderMinuteKind, orderSecondKind } from './order-days';
import type { OrderDocument } from './order-model';

/**
 * Orders stored before the list read them by day and by minute lack `createdDay` (no list would show
 * them) or `createdSecond` (lists walk whole days until every order has one). Once per database
 * (remembered in order_days), a background pass gives each its day and second, under the order's lock
 * like every other write of an order (a write beside a concurrent holder could be lost on FerretDB), and
 * notes its day, minute and second. Progress goes to the log every 5,000 orders.
 */
export async function backfillListBuckets(store: AggregateStore<OrderDocument>, days: DayIndex, logger: Logger): Promise<void> {
  if (await days.isDone(SECOND_BACKFILL_MARKER)) return;
  let seen = 0;
  let updated = 0;
  for await (const doc of store.model.find({}, { _id: 1, createdAt: 1, createdSecond: 1 }).lean().cursor()) {
    seen++;
    if (seen % 5000 === 0) logger.info({ seen, updated }, 'list bucket backfill: progress');
    if (doc.createdSecond || typeof doc.createdAt !== 'string') continue;
    const day = dayOf(doc.createdAt);
    const minute = minuteOf(doc.createdAt);
    const second = secondOf(doc.createdAt);
    await days.noteAll([
      { kind: ORDER_DAY_KIND, day },
      { kind: orderMinuteKind(day), day: minute },
      { kind: orderSecondKind(minute), day: second },
    ]);
    await store.withLock(String(doc._id), async (lease) => {
      await lease.assertHeld();
      await store.model.updateOne({ _id: doc._id }, { $set: { createdDay: day, createdSecond: second } });
    });
    updated++;
  }
  await days.markDone(SECOND_BACKFILL_MARKER);
  logger.info({ seen, updated }, 'list bucket backfill: done');
}
