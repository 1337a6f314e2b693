import { Schema, type Connection } from 'mongoose';
import type { LocationType } from '../domain/location';

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
  type: LocationType;
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

const locationAddress = new Schema<LocationAddress>(
  {
    line1: String,
    postalCode: String,
    city: String,
    country: { type: String, required: true },
    lat: { type: Number, required: true },
    lon: { type: Number, required: true },
  },
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

export const locationModel = (db: Connection) => db.model<LocationDoc>('Location', locationSchema);
