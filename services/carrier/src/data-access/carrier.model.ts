import { Schema, type Connection, type Model } from 'mongoose';

export interface CarrierDoc {
  _id: string;
  name: string;
  /** HMAC secret of the carrier's tracking webhooks; never leaves this service. */
  webhookSecret?: string;
  createdAt: Date;
  updatedAt: Date;
}

const carrierSchema = new Schema<CarrierDoc>(
  {
    _id: { type: String },
    name: { type: String, required: true },
    webhookSecret: { type: String },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'carriers' },
);

export const carrierModel = (db: Connection): Model<CarrierDoc> => db.model<CarrierDoc>('Carrier', carrierSchema);

export const SANDBOX_CARRIER_ID = 'sandbox';
