import { Schema, type Connection } from 'mongoose';
import { outboxPendingMarker } from '@oms/outbox';
import type { Envelope } from '@oms/contracts';
import { MOVEMENT_TYPES, type NewMovement } from '../domain/movement-rules';
import type { AllocatedLine, ShortLine } from '../domain/sourcing';

export interface LocationAddress {
  line1?: string;
  postalCode?: string;
  city?: string;
  country: string;
  lat: number;
  lon: number;
}

export interface LocationDoc {
  _id: string;
  name: string;
  type: 'warehouse' | 'store';
  address?: LocationAddress;
  canShip: boolean;
  canPickup: boolean;
  /** 1 is the first choice. */
  priority: number;
  /** Minor units per shipment. */
  handlingCost: number;
  active: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** Per-SKU settings: supplier lead time and the substitutes offered when it is short. */
export interface SkuSettingDoc {
  _id: string;
  leadTimeDays: number;
  substitutes: string[];
  updatedAt: Date;
}

/** An expected receipt; a receipt movement with the same reference, SKU and location closes it. */
export interface IncomingDoc {
  _id: string;
  sku: string;
  locationId: string;
  quantity: number;
  /** YYYY-MM-DD */
  expectedAt: string;
  reference: string;
  status: 'open' | 'received';
  actor: string;
  createdAt: Date;
  updatedAt: Date;
}

/** Carries one stock.low.v1 event out (insert-only: one document per alert, so no two writers meet). */
export interface StockAlertDoc {
  _id: string;
  outbox: Envelope[];
}

/** Planning figures of one SKU at one location. */
export interface StockSettingDoc {
  _id: string;
  sku: string;
  locationId: string;
  safetyStock: number;
  reorderPoint: number;
  updatedAt: Date;
}

/** One entry of the insert-only stock ledger: on hand is the sum of these. */
export interface MovementDoc extends NewMovement {
  _id: string;
  actor: string;
  at: Date;
  /** On picks: the reservation they consume. */
  reservationId?: string;
  /** On counts: the quantity counted (the movement books the difference). */
  counted?: number;
  /** On short-pick corrections: the operation the reservation records once done (see domain/ledger.ts). */
  operation?: string;
}

export type ReservationStatus = 'active' | 'short' | 'backordered' | 'released' | 'consumed';

/** What a reservation was asked for: kept on a backorder, which is sourced again when stock arrives. */
export interface ReservationRequest {
  lines: Array<{ sku: string; quantity: number }>;
  shipTo?: { country: string; postalCode: string };
  pickupLocationId?: string;
}

/** One per order; while active its lines are what the order holds. */
export interface ReservationDoc {
  _id: string;
  status: ReservationStatus;
  lines: AllocatedLine[];
  shortLines?: ShortLine[];
  /** Why sourcing decided as it did (shown on the order's timeline). */
  reason?: string;
  /** Backorders: what to reserve when stock arrives, and their place in the queue. */
  request?: ReservationRequest;
  queuedAt?: Date;
  processed: string[];
  outbox: Envelope[];
  /** The events the reservation was inserted with, published right after the insert (OutboxRelay.publishInserted). */
  inserted?: Envelope[];
  createdAt: Date;
  updatedAt: Date;
}

const allocatedLine = new Schema<AllocatedLine>({ sku: String, locationId: String, quantity: Number }, { _id: false });
const shortLine = new Schema<ShortLine>({ sku: String, requested: Number, available: Number }, { _id: false });

const locationAddress = new Schema<LocationAddress>(
  { line1: String, postalCode: String, city: String, country: { type: String, required: true }, lat: { type: Number, required: true }, lon: { type: Number, required: true } },
  { _id: false },
);

const locationSchema = new Schema<LocationDoc>(
  {
    _id: { type: String },
    name: { type: String, required: true },
    type: { type: String, enum: ['warehouse', 'store'], required: true },
    address: { type: locationAddress, default: undefined },
    canShip: { type: Boolean, default: true },
    canPickup: { type: Boolean, default: false },
    priority: { type: Number, default: 100 },
    handlingCost: { type: Number, default: 0 },
    active: { type: Boolean, default: true },
  },
  { versionKey: false, timestamps: true },
);

const stockSettingSchema = new Schema<StockSettingDoc>(
  {
    _id: { type: String },
    sku: { type: String, required: true },
    locationId: { type: String, required: true },
    safetyStock: { type: Number, default: 0 },
    reorderPoint: { type: Number, default: 0 },
  },
  { versionKey: false, timestamps: { createdAt: false, updatedAt: true } },
);

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

const skuSettingSchema = new Schema<SkuSettingDoc>(
  { _id: { type: String }, leadTimeDays: { type: Number, default: 0 }, substitutes: { type: [String], default: [] } },
  { versionKey: false, timestamps: { createdAt: false, updatedAt: true } },
);

const incomingSchema = new Schema<IncomingDoc>(
  {
    _id: { type: String },
    sku: { type: String, required: true, index: true },
    locationId: { type: String, required: true },
    quantity: { type: Number, required: true },
    expectedAt: { type: String, required: true },
    reference: { type: String, required: true },
    status: { type: String, enum: ['open', 'received'], required: true },
    actor: { type: String, required: true },
  },
  { versionKey: false, timestamps: true },
);

const stockAlertSchema = new Schema({ _id: { type: String }, outbox: { type: Array, default: [] } }, { versionKey: false });
stockAlertSchema.plugin(outboxPendingMarker);

// Untyped: the Mixed outbox array does not fit mongoose's schema typing; the model below is typed.
const reservationSchema = new Schema(
  {
    _id: { type: String },
    status: { type: String, enum: ['active', 'short', 'backordered', 'released', 'consumed'], required: true },
    lines: { type: [allocatedLine], default: [] },
    shortLines: { type: [shortLine], default: undefined },
    reason: String,
    request: { type: Schema.Types.Mixed, default: undefined },
    queuedAt: Date,
    processed: { type: [String], default: [] },
    // Envelopes stored as they are (Mixed): the outbox relay publishes them verbatim.
    outbox: { type: Array, default: [] },
    // An insert-only outbox: the decision's events, published after the batched insert without a second
    // write to clear them (reserve.ts). The sweep does not look here; a failed publish moves them to `outbox`.
    inserted: { type: Array, default: undefined },
  },
  { versionKey: false, timestamps: true },
);
reservationSchema.plugin(outboxPendingMarker);
// The backorder queue is read by status (FerretDB serves a declared field's equality from an index).
reservationSchema.index({ status: 1 });

export function registerModels(db: Connection) {
  return {
    Locations: db.model<LocationDoc>('Location', locationSchema),
    Movements: db.model<MovementDoc>('Movement', movementSchema),
    Reservations: db.model<ReservationDoc>('Reservation', reservationSchema),
    StockSettings: db.model<StockSettingDoc>('StockSetting', stockSettingSchema),
    SkuSettings: db.model<SkuSettingDoc>('SkuSetting', skuSettingSchema),
    Incoming: db.model<IncomingDoc>('Incoming', incomingSchema, 'incoming'),
    StockAlerts: db.model<StockAlertDoc>('StockAlert', stockAlertSchema),
  };
}

export type Models = ReturnType<typeof registerModels>;
