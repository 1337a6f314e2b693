import { Schema, type Connection } from 'mongoose';

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

/** One expected receipt per reference, SKU and location. */
export const incomingId = (reference: string, sku: string, locationId: string) => `${reference}:${sku}:${locationId}`;

export const incomingModel = (db: Connection) => db.model<IncomingDoc>('Incoming', incomingSchema, 'incoming');
