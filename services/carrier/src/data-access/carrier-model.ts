import { Schema, type Connection, type Model } from 'mongoose';
import type { CarrierTariff } from '@oms/contracts';
import { aggregateFields, type AggregateDocument } from '@oms/outbox';

export interface CarrierDoc extends AggregateDocument {
  name: string;
  /** How it books (CARRIER_KINDS): through the sandbox's API, or by itself from its tracking number range. */
  kind?: 'sandbox' | 'table';
  /** Offered in rate shopping (with a tariff). */
  active?: boolean;
  trackingPrefix?: string;
  /** Its public tracking page, `{trackingNumber}` standing for the parcel's number. */
  trackingUrl?: string;
  tariff?: CarrierTariff;
  /** HMAC secret of the carrier's tracking webhooks; never leaves this service. */
  webhookSecret?: string;
  createdAt: Date;
  updatedAt: Date;
}

export const SANDBOX_CARRIER_ID = 'sandbox';

/** One writer per carrier: every change of a carrier happens under this lock. */
export const carrierLockKey = (carrierId: string): string => `carrier:${carrierId}`;

const carrierSchema = new Schema<CarrierDoc>(
  {
    _id: { type: String },
    name: { type: String, required: true },
    kind: { type: String, enum: ['sandbox', 'table'] },
    active: { type: Boolean },
    trackingPrefix: { type: String },
    trackingUrl: { type: String },
    tariff: { type: Schema.Types.Mixed },
    webhookSecret: { type: String },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'carriers' },
);
carrierSchema.plugin(aggregateFields);

export const carrierModel = (db: Connection): Model<CarrierDoc> => db.model<CarrierDoc>('Carrier', carrierSchema);
