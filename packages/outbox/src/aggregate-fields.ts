import { Schema } from 'mongoose';
import { outboxPendingMarker } from './pending-marker';

/**
 * The fields AggregateStore keeps on every aggregate, for a mongoose schema: the ids of the messages it
 * applied, the events of its last change (`sent`, `sentBy`), the durable outbox with its pending marker, and
 * the fencing token of its last writer (`fence`).
 * Declared in the schema because mongoose drops fields it does not know from every write.
 */
export function aggregateFields(schema: Schema): void {
  schema.add({
    processed: { type: [String], default: undefined },
    outbox: { type: [Schema.Types.Mixed], default: undefined },
    sent: { type: [Schema.Types.Mixed], default: undefined },
    sentBy: { type: String },
    // The fencing token of the lock holder that wrote last (docs/consistency.md, rule 1).
    fence: { type: Number },
  });
  schema.plugin(outboxPendingMarker);
}
