import { Schema, type Connection } from 'mongoose';
import { aggregateFields, type AggregateDocument } from '@oms/outbox';

/** Carries one stock.low.v1 event out (insert-only: one document per alert, so no two writers meet). */
export type StockAlertDoc = AggregateDocument;

const stockAlertSchema = new Schema({ _id: { type: String } }, { versionKey: false });
stockAlertSchema.plugin(aggregateFields);

export const stockAlertModel = (db: Connection) => db.model<StockAlertDoc>('StockAlert', stockAlertSchema);
