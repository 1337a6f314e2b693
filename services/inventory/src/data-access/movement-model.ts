import { Schema, type Connection } from 'mongoose';
import { MOVEMENT_TYPES, type LedgerEntry } from '../domain/movement-rules';

/**
 * One entry of the insert-only stock ledger, with the UTC day of `at` (`2026-12-05`): a SKU's ledger is
 * read one day at a time (movement-repository.ts). Entries stored before the day existed get it from a
 * one-off backfill.
 */
export type MovementDoc = LedgerEntry & { day?: string };

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
    day: String,
  },
  { versionKey: false },
);
// A page of one SKU's ledger: one day of it, newest first.
movementSchema.index({ sku: 1, day: 1, at: -1, _id: -1 });

export const movementModel = (db: Connection) => db.model<MovementDoc>('Movement', movementSchema);
