import type { Model } from 'mongoose';
import { isDuplicateKeyError } from '@oms/mongo';
import { SANDBOX_CARRIER_ID, type CarrierDoc } from './carrier-model';

/** The reads of carriers, and the seed of the sandbox carrier; every change goes through the carriers' AggregateStore. */
export class CarrierRepository {
  constructor(readonly model: Model<CarrierDoc>) {}

  /** A carrier's webhook secret (undefined while it has none), or null for an unknown carrier. */
  async webhookSecretOf(carrierId: string): Promise<{ webhookSecret?: string } | null> {
    return this.model.findById(carrierId, { webhookSecret: 1 }).lean<Pick<CarrierDoc, '_id' | 'webhookSecret'>>();
  }

  /**
   * The sandbox carrier exists from the start. Insert-only, so a restart never overwrites a secret set later
   * through carrier.configure.v1; the env secret only seeds a fresh database.
   */
  async seedSandbox(secret: string | undefined): Promise<void> {
    const now = new Date();
    try {
      await this.model.updateOne(
        { _id: SANDBOX_CARRIER_ID },
        { $setOnInsert: { name: 'Sandbox Carrier', createdAt: now, updatedAt: now, ...(secret ? { webhookSecret: secret } : {}) } },
        { upsert: true },
      );
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err; // another replica seeded it at the same moment
    }
  }
}
