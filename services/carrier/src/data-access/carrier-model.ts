import { Schema, type Connection, type Model } from 'mongoose';
import type { CarrierTariff } from '@oms/contracts';
import { aggregateFields, type AggregateDocument } from '@oms/outbox';

export interface CarrierDoc extends AggregateDocument {
  name: string;
  /** How it books (CARRIER_KINDS): through the sandbox's API, or by itself from its tracking number range. */
  kind?: 'sandbox' | 'table';
  /** How its tracking comes in: pushed by webhook (default) or polled from its API. */
  tracking?: 'webhook' | 'poll';
  /** Offered in rate shopping (with a tariff). */
  active?: boolean;
  trackingPrefix?: string;
  /** Its public tracking page, `{trackingNumber}` standing for the parcel's number. */
  trackingUrl?: string;
  tariff?: CarrierTariff;
  /** HMAC secret of the carrier's tracking webhooks; never leaves this service. */
  webhookSecret?: string;
  /** The carrier as a 3PL partner with an event feed (docs/partners.md); no secret: the broker keeps the password. */
  partner?: PartnerRecord;
  createdAt: Date;
  updatedAt: Date;
}

export interface PartnerRecord {
  name: string;
  user: string;
  queue: string;
  vhost: string;
  provisionedAt: Date;
  provisionedBy: string;
  /** When a password was last generated (the user created, or its password rotated). */
  passwordSetAt?: Date;
}

export const SANDBOX_CARRIER_ID = 'sandbox';

/** One writer per carrier: every change of a carrier happens under this lock. */
export const carrierLockKey = (carrierId: string): string => `carrier:${carrierId}`;

const carrierSchema = new Schema<CarrierDoc>(
  {
    _id: { type: String },
    name: { type: String, required: true },
    kind: { type: String, enum: ['sandbox', 'table'] },
    tracking: { type: String, enum: ['webhook', 'poll'] },
    active: { type: Boolean },
    trackingPrefix: { type: String },
    trackingUrl: { type: String },
    tariff: { type: Schema.Types.Mixed },
    webhookSecret: { type: String },
    partner: { type: Schema.Types.Mixed },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'carriers' },
);
carrierSchema.plugin(aggregateFields);

export const carrierModel = (db: Connection): Model<CarrierDoc> => db.model<CarrierDoc>('Carrier', carrierSchema);
