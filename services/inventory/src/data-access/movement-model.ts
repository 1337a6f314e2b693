import { Schema, type Connection } from 'mongoose';
import { MOVEMENT_TYPES, type LedgerEntry } from '../domain/movement-rules';

/** One entry of the insert-only stock ledger. */
export type MovementDoc = LedgerEntry;

const movementSchema = new Schema<MovementDoc>(
  {
    _id: { type: String },
    sku: { type: String, required: true, index: true },
    locationId: { type: String, required: true },
    quantity: { type: Number, required: true },
    type: { type: String, enum: MOVEMENT_TYPES, required: true },
    reason: String,
    reference: String,
    reservationId: String,
    counted: Number,
    operation: String,
    actor: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);

export const movementModel = (db: Connection) => db.model<MovementDoc>('Movement', movementSchema);
