import type { Logger } from '@oms/logging';
import type { AggregateStore } from '@oms/outbox';
import { bucketsOf, dayOf } from '@oms/mongo';
import type { OrderLine } from '@oms/contracts';
import type { Hold } from '../domain/order';
import { LIST_FIELDS_BACKFILL_MARKER, orderTimeBuckets } from './order-days';
import type { OrderDocument } from './order-model';
import { listFields, type OrderRepository } from './order-repository';

/**
 * Orders stored before the lists read time buckets, SKUs and hold reasons as fields of their own lack
 * `createdBuckets`, `skus` and `holdReasons` (lists walk whole days with the old filters until every order
 * has them). Once per database (remembered in order_days), a background pass gives each its fields, under
 * the order's lock like every other write of an order (a write beside a concurrent holder could be lost on
 * FerretDB), reading the order again under the lock, and notes its buckets and SKU days first. Every order
 * is counted into the buckets' busy marks, those that had their fields already too. Progress goes to the
 * log every 5,000 orders.
 */
export async function backfillListFields(store: AggregateStore<OrderDocument>, orders: OrderRepository, logger: Logger): Promise<void> {
  const { days } = orders;
  if (await days.isDone(LIST_FIELDS_BACKFILL_MARKER)) return;
  // Counts of its own: the backfill is one more writer of the buckets (TimeBuckets).
  const buckets = orderTimeBuckets(days);
  let seen = 0;
  let updated = 0;
  for await (const doc of store.model.find({}, { _id: 1, createdAt: 1, createdBuckets: 1 }).lean().cursor()) {
    seen++;
    if (seen % 5000 === 0) logger.info({ seen, updated }, 'list fields backfill: progress');
    if (typeof doc.createdAt !== 'string') continue;
    const notes = buckets.notesFor(doc.createdAt);
    if (doc.createdBuckets) {
      await days.noteAll(notes.filter((n) => n.busy));
      continue;
    }
    await days.noteAll(notes);
    await store.withLock(String(doc._id), async (lease) => {
      const order = await store.model
        .findById(doc._id, { createdAt: 1, lines: 1, holds: 1 })
        .lean<{ createdAt?: unknown; lines?: OrderLine[]; holds?: Hold[] }>();
      if (!order || typeof order.createdAt !== 'string') return;
      const fields = listFields({ lines: order.lines ?? [], holds: order.holds ?? [] });
      await orders.noteSkus(order.createdAt, fields.skus ?? []);
      await lease.assertHeld();
      await store.model.updateOne({ _id: doc._id }, { $set: { ...fields, createdDay: dayOf(order.createdAt), createdBuckets: bucketsOf(order.createdAt) } });
    });
    updated++;
  }
  await days.markDone(LIST_FIELDS_BACKFILL_MARKER);
  logger.info({ seen, updated }, 'list fields backfill: done');
}
