import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { carrierSettingsSchema, identifier } from '@oms/contracts';
import { DayIndex } from '@oms/mongo';
import type { ServiceDefinition } from '@oms/runtime';
import { carrierQueries } from './application/carrier-queries';
import { partnerQueries } from './application/partner-queries';
import { shipmentQueries } from './application/shipment-queries';
import { skuAttributeQueries } from './application/sku-attribute-queries';
import { configSchema, SERVICE_NAME } from './config';
import { BrokerManagement, vhostOf } from './data-access/broker-management';
import { carrierAdapters } from './data-access/carrier-adapters';
import { createCarrierApi } from './data-access/carrier-api';
import { carrierLockKey, carrierModel, type CarrierDoc } from './data-access/carrier-model';
import { CarrierRepository, type SeedCarrier } from './data-access/carrier-repository';
import { toCarrierView } from './data-access/carrier-view';
import { LEGACY_FULFILLMENT_INDEX, LEGACY_PARCEL_INDEX, shipmentLockKey, shipmentModel, type ShipmentDoc } from './data-access/shipment-model';
import { backfillShipmentListFields } from './data-access/shipment-list-backfill';
import { ShipmentRepository } from './data-access/shipment-repository';
import { skuAttributesModel, SkuAttributesRepository } from './data-access/sku-attributes';
import { toShipmentAnswer } from './data-access/shipment-view';
import { carrierRoutes } from './entry-points/http/carrier-routes';
import { trackingPoll } from './entry-points/jobs/tracking-poll';
import { carrierSubscriptions } from './entry-points/messages/carrier-subscriptions';

const seedFileSchema = z.array(carrierSettingsSchema.extend({ id: identifier }));

/** The carriers of CARRIERS_FILE, checked like a PUT /v1/carriers/{id}: a broken file stops the start with its errors. */
async function readSeedFile(path: string): Promise<SeedCarrier[]> {
  const parsed = seedFileSchema.safeParse(JSON.parse(await readFile(path, 'utf8')));
  if (!parsed.success) throw new Error(`CARRIERS_FILE ${path} is not a list of carriers: ${parsed.error.message}`);
  return parsed.data;
}

/** carrier: rates and books parcels with the carriers, records their tracking scans, keeps their tariffs and webhook secrets. */
export const definition: ServiceDefinition<typeof configSchema> = {
  name: SERVICE_NAME,
  configSchema,
  async setup(ctx) {
    const shipments = new ShipmentRepository(shipmentModel(ctx.db), new DayIndex(ctx.db, 'shipment_days'));
    for (const legacy of [LEGACY_FULFILLMENT_INDEX, LEGACY_PARCEL_INDEX]) await shipments.dropIndex(legacy);
    const carriers = new CarrierRepository(carrierModel(ctx.db));
    await carriers.seedSandbox(ctx.config.SANDBOX_CARRIER_WEBHOOK_SECRET);
    if (ctx.config.CARRIERS_FILE) await carriers.seed(await readSeedFile(ctx.config.CARRIERS_FILE));
    const carrierApi = createCarrierApi({
      baseUrl: ctx.config.CARRIER_SANDBOX_URL,
      timeoutMs: ctx.config.CARRIER_TIMEOUT_MS,
      logger: ctx.logger,
      tracing: ctx.tracing,
    });
    const skuAttributes = new SkuAttributesRepository(skuAttributesModel(ctx.db));
    const shipmentStore = ctx.aggregates<ShipmentDoc>({ model: shipments.model, lockKey: shipmentLockKey, view: toShipmentAnswer });
    const carrierStore = ctx.aggregates<CarrierDoc>({ model: carriers.model, lockKey: carrierLockKey, view: toCarrierView });
    void backfillShipmentListFields(shipmentStore, shipments, ctx.logger).catch((err) =>
      ctx.logger.warn({ err: (err as Error).message }, 'shipment list fields backfill stopped; it starts again with the next start'),
    );
    const brokerManagement = ctx.config.RABBITMQ_MANAGEMENT_URL
      ? new BrokerManagement(ctx.config.RABBITMQ_MANAGEMENT_URL, vhostOf(ctx.config.AMQP_URL), ctx.config.RABBITMQ_MANAGEMENT_TIMEOUT_MS)
      : undefined;
    const adapters = carrierAdapters(carrierApi);
    const polling = trackingPoll({ carriers, shipments, adapters }, ctx.broker, ctx.logger);
    polling.start(ctx.config.TRACKING_POLL_MS);
    return {
      routes: (app) =>
        carrierRoutes(app, {
          shipments: shipmentQueries(shipments, ctx.config.LABEL_SENDER),
          carriers: carrierQueries(carriers),
          skus: skuAttributeQueries(skuAttributes),
          partners: partnerQueries(carriers, brokerManagement),
        }),
      consumers: carrierSubscriptions({
        brokerManagement,
        shipmentStore,
        carrierStore,
        shipments,
        carriers,
        skuAttributes,
        adapters,
        promiseDays: ctx.config.SHIPPING_PROMISE_DAYS,
      }),
      onStop: () => polling.stop(),
    };
  },
};
