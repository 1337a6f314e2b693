import { Schema, type Connection } from 'mongoose';
import { outboxPendingMarker } from '@oms/outbox';
import type { Envelope } from '@oms/contracts';
import type { NewMovement } from '../domain/movement-rules';
import type { AllocatedLine, ShortLine } from '../domain/sourcing';

export interface LocationDoc {
  _id: string;
  name: string;
  type: 'warehouse' | 'store';
  createdAt: Date;
  updatedAt: Date;
}

/** One entry of the insert-only stock ledger: on hand is the sum of these. */
export interface MovementDoc extends NewMovement {
  _id: string;
  actor: string;
  at: Date;
}

export type ReservationStatus = 'active' | 'short' | 'released' | 'consumed';

/** One per order; while active its lines are what the order holds. */
export interface ReservationDoc {
  _id: string;
  status: ReservationStatus;
  lines: AllocatedLine[];
  shortLines?: ShortLine[];
  processed: string[];
  outbox: Envelope[];
  createdAt: Date;
  updatedAt: Date;
}

const allocatedLine = new Schema<AllocatedLine>({ sku: String, locationId: String, quantity: Number }, { _id: false });
const shortLine = new Schema<ShortLine>({ sku: String, requested: Number, available: Number }, { _id: false });

const locationSchema = new Schema<LocationDoc>(
  { _id: { type: String }, name: { type: String, required: true }, type: { type: String, enum: ['warehouse', 'store'], required: true } },
  { versionKey: false, timestamps: true },
);

const movementSchema = new Schema<MovementDoc>(
  {
    _id: { type: String },
    sku: { type: String, required: true, index: true },
    locationId: { type: String, required: true },
    quantity: { type: Number, required: true },
    type: { type: String, enum: ['receipt', 'adjustment', 'pick', 'return_restock', 'write_off'], required: true },
    reason: String,
    reference: String,
    actor: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);

// Untyped: the Mixed outbox array does not fit mongoose's schema typing; the model below is typed.
const reservationSchema = new Schema(
  {
    _id: { type: String },
    status: { type: String, enum: ['active', 'short', 'released', 'consumed'], required: true },
    lines: { type: [allocatedLine], default: [] },
    shortLines: { type: [shortLine], default: undefined },
    processed: { type: [String], default: [] },
    // Envelopes stored as they are (Mixed): the outbox relay publishes them verbatim.
    outbox: { type: Array, default: [] },
  },
  { versionKey: false, timestamps: true },
);
reservationSchema.plugin(outboxPendingMarker);
// Reserved quantities are summed over the active reservations holding a SKU.
reservationSchema.index({ 'lines.sku': 1 });

export function registerModels(db: Connection) {
  return {
    Locations: db.model<LocationDoc>('Location', locationSchema),
    Movements: db.model<MovementDoc>('Movement', movementSchema),
    Reservations: db.model<ReservationDoc>('Reservation', reservationSchema),
  };
}

export type Models = ReturnType<typeof registerModels>;
