import type { Model } from 'mongoose';
import type { ShipmentDoc } from './shipment-model';

/** The store's bookkeeping, which no reader needs. */
const HIDDEN = { outbox: 0, processed: 0, sent: 0 } as const;

/** The reads of shipments; every change goes through the shipments' AggregateStore. */
export class ShipmentRepository {
  constructor(readonly model: Model<ShipmentDoc>) {}

  /** An order's shipments, in the order they were booked. */
  ofOrder(orderId: string): Promise<ShipmentDoc[]> {
    return this.model.find({ orderId }, HIDDEN).sort({ createdAt: 1 }).lean<ShipmentDoc[]>().exec();
  }

  /**
   * Drop an index the schema no longer has (createIndexes only adds): the unique fulfillment id of one
   * shipment per fulfillment would refuse a second parcel. Nothing to do when it is not there.
   */
  async dropIndex(name: string): Promise<void> {
    const indexes = await this.model.collection.indexes().catch(() => []);
    if (indexes.some((i) => i.name === name)) await this.model.collection.dropIndex(name);
  }

  byId(id: string): Promise<ShipmentDoc | null> {
    return this.model.findById(id, HIDDEN).lean<ShipmentDoc>().exec();
  }

  /** The shipment a carrier's tracking number belongs to, with its order (neither ever changes). */
  byTrackingNumber(carrierId: string, trackingNumber: string): Promise<Pick<ShipmentDoc, '_id' | 'orderId'> | null> {
    return this.model.findOne({ carrierId, trackingNumber }, { orderId: 1 }).lean<Pick<ShipmentDoc, '_id' | 'orderId'>>().exec();
  }
}
