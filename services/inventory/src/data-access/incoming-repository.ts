import type { Model } from 'mongoose';
import type { IncomingDoc } from './incoming-model';

/** Expected receipts (ids from incomingId). */
export class IncomingRepository {
  constructor(readonly model: Model<IncomingDoc>) {}

  byId(id: string): Promise<IncomingDoc | null> {
    return this.model.findById(id).lean<IncomingDoc>().exec();
  }

  /** Whether the receipt is open or already received; undefined for one not expected yet. */
  async statusOf(id: string): Promise<IncomingDoc['status'] | undefined> {
    const existing = await this.model.findById(id, { status: 1 }).lean<Pick<IncomingDoc, '_id' | 'status'>>();
    return existing?.status;
  }

  /** A SKU's open receipts, soonest expected first. */
  openOf(sku: string): Promise<IncomingDoc[]> {
    return this.model.find({ sku, status: 'open' }).sort({ expectedAt: 1, _id: 1 }).lean<IncomingDoc[]>().exec();
  }

  /** The open receipts of every SKU or only one: SKU and quantity each. */
  openQuantities(only?: string): Promise<Array<Pick<IncomingDoc, 'sku' | 'quantity'>>> {
    return this.model
      .find({ status: 'open', ...(only ? { sku: only } : {}) }, { sku: 1, quantity: 1 })
      .lean<Array<Pick<IncomingDoc, 'sku' | 'quantity'>>>()
      .exec();
  }

  /** Creates the receipt or replaces its figures, open (the caller leaves a received one alone). */
  async upsertOpen(id: string, receipt: Pick<IncomingDoc, 'sku' | 'locationId' | 'quantity' | 'expectedAt' | 'reference' | 'actor'>): Promise<void> {
    const { sku, locationId, quantity, expectedAt, reference, actor } = receipt;
    await this.model.updateOne({ _id: id }, { $set: { sku, locationId, quantity, expectedAt, reference, actor, status: 'open' } }, { upsert: true });
  }

  /** Closes the receipt, if one is expected under this id (none: nothing changes). */
  async markReceived(id: string): Promise<void> {
    await this.model.updateOne({ _id: id }, { $set: { status: 'received' } });
  }
}
