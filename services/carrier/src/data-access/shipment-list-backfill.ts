import type { Logger } from '@oms/logging';
import type { AggregateStore } from '@oms/outbox';
import { listFields, type ShipmentDoc } from './shipment-model';
import type { ShipmentRepository } from './shipment-repository';

export const LIST_FIELDS_BACKFILL_MARKER = 'shipment-list-fields';

/**
 * Shipments stored before the partner list lack its fields (`updatedAt`, `updatedDay`, `carrierStatus`), so
 * the list would not find them. Once per database (remembered in shipment_days), a background pass gives
 * each its fields, dated by its latest scan (or its booking), under the shipment's lock like every other
 * write of a shipment (a write beside a concurrent holder could be lost on FerretDB), reading it again under
 * the lock, and notes the day first. Progress goes to the log every 5,000 shipments.
 */
export async function backfillShipmentListFields(store: AggregateStore<ShipmentDoc>, shipments: ShipmentRepository, logger: Logger): Promise<void> {
  if (await shipments.days.isDone(LIST_FIELDS_BACKFILL_MARKER)) return;
  let seen = 0;
  let updated = 0;
  for await (const doc of store.model.find({}, { _id: 1, updatedDay: 1 }).lean().cursor()) {
    seen++;
    if (seen % 5000 === 0) logger.info({ seen, updated }, 'shipment list fields backfill: progress');
    if (doc.updatedDay) continue;
    await store.withLock(String(doc._id), async (lease) => {
      const s = await store.model
        .findById(doc._id, { carrierId: 1, status: 1, createdAt: 1, tracking: 1, updatedDay: 1 })
        .lean<Pick<ShipmentDoc, 'carrierId' | 'status' | 'createdAt' | 'tracking' | 'updatedDay'>>();
      if (!s || s.updatedDay) return;
      const times = [s.createdAt, ...(s.tracking ?? []).map((t) => t.receivedAt)].map((t) => new Date(t).getTime()).filter((t) => !Number.isNaN(t));
      const at = new Date(Math.max(...times));
      await shipments.noteChange(s.carrierId, at);
      await lease.assertHeld();
      await store.model.updateOne({ _id: doc._id }, { $set: listFields(s.carrierId, s.status, at) });
      updated++;
    });
  }
  await shipments.days.markDone(LIST_FIELDS_BACKFILL_MARKER);
  logger.info({ seen, updated }, 'shipment list fields backfill: done');
}
