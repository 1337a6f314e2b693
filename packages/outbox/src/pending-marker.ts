import type { Schema } from 'mongoose';

/**
 * `outboxPending: true` on every document whose outbox holds events, kept by mongoose middleware on each
 * write, so the relay's sweep finds them with an equality filter on an indexed field. A filter on the array
 * itself (`'outbox.0': { $exists: true }`) is a full collection scan on FerretDB 1.x, which pushes down only
 * equality: with tens of thousands of orders the two-second sweep alone kept the store busy.
 *
 * Covered writes: create/save, insertMany, and updateOne/updateMany/findOneAndUpdate that `$push` to or
 * `$set` the outbox. Writes that bypass mongoose (model.collection) must set the field themselves.
 */
export function outboxPendingMarker(schema: Schema): void {
  schema.add({ outboxPending: { type: Boolean, index: true } });

  schema.pre('save', function () {
    this.set('outboxPending', hasEvents(this.get('outbox')));
  });

  schema.pre('insertMany', function (next: () => void, docs: unknown) {
    for (const doc of Array.isArray(docs) ? docs : [docs]) {
      if (doc && typeof doc === 'object') (doc as Record<string, unknown>).outboxPending = hasEvents((doc as { outbox?: unknown }).outbox);
    }
    next();
  });

  schema.pre(['updateOne', 'updateMany', 'findOneAndUpdate'], function () {
    const update = this.getUpdate() as Record<string, Record<string, unknown> | undefined> | null;
    if (!update || Array.isArray(update)) return;
    const pushed = update.$push?.outbox;
    if (pushed !== undefined) {
      const each = (pushed as { $each?: unknown[] })?.$each;
      if (!Array.isArray(each) || each.length > 0) this.set({ outboxPending: true });
      return;
    }
    if (update.$set && 'outbox' in update.$set) this.set({ outboxPending: hasEvents(update.$set.outbox) });
  });
}

const hasEvents = (outbox: unknown) => Array.isArray(outbox) && outbox.length > 0;

/** The sweep's filter: documents with events still to publish. */
export const PENDING_OUTBOX_FILTER = { outboxPending: true } as const;
