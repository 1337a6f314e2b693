import type { Model } from 'mongoose';
import { isDuplicateKeyError } from '@oms/mongo';
import type { ServiceDefinition } from '@oms/runtime';
import { configSchema, SERVICE_NAME } from './config';
import { createCarrierApi } from './data-access/carrier-api';
import { carrierModel, SANDBOX_CARRIER_ID, type CarrierDoc } from './data-access/carrier.model';
import { shipmentModel, type ShipmentDoc } from './data-access/shipment.model';
import { carrierRoutes } from './entry-points/http/routes';
import { carrierCommandHandlers } from './entry-points/messages/carrier-commands';
import { shipmentLockKey } from './entry-points/messages/deps';

export const definition: ServiceDefinition<typeof configSchema> = {
  name: SERVICE_NAME,
  configSchema,
  async setup(ctx) {
    const Carriers = carrierModel(ctx.db);
    const Shipments = shipmentModel(ctx.db);
    await seedSandboxCarrier(Carriers, ctx.config.SANDBOX_CARRIER_WEBHOOK_SECRET);
    const carrierApi = createCarrierApi({ baseUrl: ctx.config.CARRIER_SANDBOX_URL, timeoutMs: ctx.config.CARRIER_TIMEOUT_MS, logger: ctx.logger, tracing: ctx.tracing });
    const deps = { Shipments, Carriers, locks: ctx.locks, outbox: ctx.outbox, carrierApi };
    return {
      routes: (app) => carrierRoutes(app, deps),
      consumers: { 'carrier.commands': carrierCommandHandlers(deps) },
      // The relay must take the handlers' lock, which is keyed by fulfillment (known before the shipment exists).
      outbox: [{ model: Shipments, lockKey: (id: string) => shipmentLockKeyOf(Shipments, id) }],
    };
  },
};

async function shipmentLockKeyOf(Shipments: Model<ShipmentDoc>, shipmentId: string): Promise<string> {
  const s = await Shipments.findById(shipmentId, { fulfillmentId: 1 }).lean();
  return shipmentLockKey(s?.fulfillmentId ?? shipmentId);
}

/**
 * The sandbox carrier exists from the start. Insert-only, so a restart never overwrites a secret set later
 * through carrier.configure.v1; the env secret only seeds a fresh database.
 */
async function seedSandboxCarrier(Carriers: Model<CarrierDoc>, secret: string | undefined): Promise<void> {
  const now = new Date();
  try {
    await Carriers.updateOne(
      { _id: SANDBOX_CARRIER_ID },
      { $setOnInsert: { name: 'Sandbox Carrier', createdAt: now, updatedAt: now, ...(secret ? { webhookSecret: secret } : {}) } },
      { upsert: true },
    );
  } catch (err) {
    if (!isDuplicateKeyError(err)) throw err; // another replica seeded it at the same moment
  }
}
