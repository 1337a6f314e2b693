import type { Model } from 'mongoose';
import { isDuplicateKeyError } from '@oms/mongo';
import type { DeliveredOrder } from '../domain/return';
import type { DeliveredOrderDoc } from './delivered-order-model';

/** The delivered orders returns can be opened against. */
export class DeliveredOrderRepository {
  constructor(readonly model: Model<DeliveredOrderDoc>) {}

  byId(orderId: string): Promise<DeliveredOrderDoc | null> {
    return this.model.findById(orderId).lean<DeliveredOrderDoc>().exec();
  }

  /** Insert-only: a redelivered or repeated event changes nothing, and needs no lock. */
  async record(orderId: string, order: DeliveredOrder): Promise<void> {
    try {
      await this.model.updateOne({ _id: orderId }, { $setOnInsert: order }, { upsert: true });
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err; // a concurrent duplicate inserted it first
    }
  }
}
