import { Schema, type Connection, type Model } from 'mongoose';
import type { PickListLine } from '../domain/pick-list';

/** A pick list as printed: written once, when the fulfillments it took are marked picking. */
export interface PickListDoc {
  _id: string;
  locationId: string;
  fulfillmentIds: string[];
  lines: PickListLine[];
  createdAt: Date;
  createdBy: string;
}

const pickListSchema = new Schema<PickListDoc>(
  {
    _id: { type: String },
    locationId: { type: String, required: true },
    fulfillmentIds: { type: [String], required: true },
    lines: { type: Schema.Types.Mixed, required: true },
    createdAt: { type: Date, required: true },
    createdBy: { type: String, required: true },
  },
  { versionKey: false, collection: 'pick_lists' },
);

export const pickListModel = (db: Connection): Model<PickListDoc> => db.model<PickListDoc>('PickList', pickListSchema);

export const toPickListView = (p: PickListDoc) => ({
  id: p._id,
  locationId: p.locationId,
  fulfillmentIds: p.fulfillmentIds,
  lines: p.lines,
  createdAt: new Date(p.createdAt).toISOString(),
  createdBy: p.createdBy,
});
export type PickListView = ReturnType<typeof toPickListView>;
