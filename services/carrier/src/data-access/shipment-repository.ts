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

  byId(id: string): Promise<ShipmentDoc | null> {
    return this.model.findById(id, HIDDEN).lean<ShipmentDoc>().exec();
  }

  /** The shipment a carrier's tracking number belongs to, with its order (neither ever changes). */
  byTrackingNumber(carrierId: string, trackingNumber: string): Promise<Pick<ShipmentDoc, '_id' | 'orderId'> | null> {
    return this.model.findOne({ carrierId, trackingNumber }, { orderId: 1 }).lean<Pick<ShipmentDoc, '_id' | 'orderId'>>().exec();
  }
}
