import { Schema, type Connection } from 'mongoose';
import { aggregateFields, type AggregateDocument, type OutboxEntry } from '@oms/outbox';
import { RESERVATION_STATUSES, type ReservationRequest, type ReservationStatus, type WaitingSupplement } from '../domain/reservation';
import type { AllocatedLine, ShortLine } from '../domain/sourcing';

/** One per order (per stock check key); while active its lines are what the order holds. */
export interface ReservationDoc extends AggregateDocument {
  _id: string;
  status: ReservationStatus;
  lines: AllocatedLine[];
  shortLines?: ShortLine[];
  /** Why sourcing decided as it did (shown on the order's timeline). */
  reason?: string;
  /** Backorders: what to reserve when stock arrives, and their place in the queue. */
  request?: ReservationRequest;
  queuedAt?: Date;
  /**
   * Units the customer waits for after a short pick (stock.supplement.v1 with `backorder`), added to this
   * active reservation when stock arrives; `supplementQueued` puts it in the backorder queue.
   */
  waitingSupplement?: WaitingSupplement;
  supplementQueued?: boolean;
  /** Returns whose restock was announced: another command for the same return announces nothing again. */
  restockedReturns?: string[];
  createdAt: Date;
  updatedAt: Date;
}

/** A reservation as the reserve command inserts it, with the events it publishes right after. */
export type NewReservationDoc = Omit<ReservationDoc, 'createdAt' | 'updatedAt'> & { processed: string[]; sent: OutboxEntry[]; sentBy: string };

const allocatedLine = new Schema<AllocatedLine>({ sku: String, locationId: String, quantity: Number }, { _id: false });
const shortLine = new Schema<ShortLine>({ sku: String, requested: Number, available: Number }, { _id: false });

const reservationSchema = new Schema(
  {
    _id: { type: String },
    status: { type: String, enum: RESERVATION_STATUSES, required: true },
    lines: { type: [allocatedLine], default: [] },
    shortLines: { type: [shortLine], default: undefined },
    reason: String,
    request: { type: Schema.Types.Mixed, default: undefined },
    queuedAt: Date,
    waitingSupplement: { type: Schema.Types.Mixed, default: undefined },
    supplementQueued: { type: Boolean, default: undefined },
    restockedReturns: { type: [String], default: undefined },
  },
  { versionKey: false, timestamps: true },
);
reservationSchema.plugin(aggregateFields);
// The backorder queue is read by status (FerretDB serves a declared field's equality from an index).
reservationSchema.index({ status: 1 });
reservationSchema.index({ supplementQueued: 1 }, { sparse: true });

export const reservationModel = (db: Connection) => db.model<ReservationDoc>('Reservation', reservationSchema);
