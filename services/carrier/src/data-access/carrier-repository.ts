import type { Model } from 'mongoose';
import type { CarrierSettings } from '@oms/contracts';
import { isDuplicateKeyError } from '@oms/mongo';
import { SANDBOX_CARRIER_ID, type CarrierDoc } from './carrier-model';

/** The store's bookkeeping, which no reader needs. */
const HIDDEN = { outbox: 0, processed: 0, sent: 0 } as const;

/** A carrier of the seed file (CARRIERS_FILE): its id and settings. */
export type SeedCarrier = CarrierSettings & { id: string };

/** The reads of carriers, and their seeds; every change goes through the carriers' AggregateStore. */
export class CarrierRepository {
  constructor(readonly model: Model<CarrierDoc>) {}

  /** A carrier's webhook secret (undefined while it has none), or null for an unknown carrier. */
  async webhookSecretOf(carrierId: string): Promise<{ webhookSecret?: string } | null> {
    return this.model.findById(carrierId, { webhookSecret: 1 }).lean<Pick<CarrierDoc, '_id' | 'webhookSecret'>>();
  }

  byId(id: string): Promise<CarrierDoc | null> {
    return this.model.findById(id, HIDDEN).lean<CarrierDoc>().exec();
  }

  /** Every carrier (a handful: one small query), by id. */
  all(): Promise<CarrierDoc[]> {
    return this.model.find({}, HIDDEN).sort({ _id: 1 }).lean<CarrierDoc[]>().exec();
  }

  /**
   * The sandbox carrier exists from the start. Insert-only, so a restart never overwrites a secret set later
   * through carrier.configure.v1; the env secret only seeds a fresh database.
   */
  async seedSandbox(secret: string | undefined): Promise<void> {
    await this.seed([{ id: SANDBOX_CARRIER_ID, name: 'Sandbox Carrier', kind: 'sandbox', ...(secret ? { webhookSecret: secret } : {}) }]);
  }

  /** Carriers of a seed file: each inserted once; what ops changed since is never overwritten by a restart. */
  async seed(carriers: SeedCarrier[]): Promise<void> {
    const now = new Date();
    for (const { id, ...settings } of carriers) {
      try {
        await this.model.updateOne({ _id: id }, { $setOnInsert: { name: id, ...settings, createdAt: now, updatedAt: now } }, { upsert: true });
      } catch (err) {
        if (!isDuplicateKeyError(err)) throw err; // another replica seeded it at the same moment
      }
    }
  }
}
