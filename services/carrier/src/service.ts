import type { ServiceDefinition } from '@oms/runtime';
import { carrierQueries } from './application/carrier-queries';
import { shipmentQueries } from './application/shipment-queries';
import { configSchema, SERVICE_NAME } from './config';
import { createCarrierApi } from './data-access/carrier-api';
import { carrierLockKey, carrierModel, type CarrierDoc } from './data-access/carrier-model';
import { CarrierRepository } from './data-access/carrier-repository';
import { toCarrierView } from './data-access/carrier-view';
import { shipmentLockKey, shipmentModel, type ShipmentDoc } from './data-access/shipment-model';
import { ShipmentRepository } from './data-access/shipment-repository';
import { toShipmentAnswer } from './data-access/shipment-view';
import { carrierRoutes } from './entry-points/http/carrier-routes';
import { carrierSubscriptions } from './entry-points/messages/carrier-subscriptions';

/** carrier: books parcels with the carrier, records its tracking scans, keeps its webhook secrets. */
export const definition: ServiceDefinition<typeof configSchema> = {
  name: SERVICE_NAME,
  configSchema,
  async setup(ctx) {
    const shipments = new ShipmentRepository(shipmentModel(ctx.db));
    const carriers = new CarrierRepository(carrierModel(ctx.db));
    await carriers.seedSandbox(ctx.config.SANDBOX_CARRIER_WEBHOOK_SECRET);
    const carrierApi = createCarrierApi({
      baseUrl: ctx.config.CARRIER_SANDBOX_URL,
      timeoutMs: ctx.config.CARRIER_TIMEOUT_MS,
      logger: ctx.logger,
      tracing: ctx.tracing,
    });
    const shipmentStore = ctx.aggregates<ShipmentDoc>({ model: shipments.model, lockKey: shipmentLockKey, view: toShipmentAnswer });
    const carrierStore = ctx.aggregates<CarrierDoc>({ model: carriers.model, lockKey: carrierLockKey, view: toCarrierView });
    return {
      routes: (app) => carrierRoutes(app, { shipments: shipmentQueries(shipments), carriers: carrierQueries(carriers) }),
      consumers: carrierSubscriptions({ shipmentStore, carrierStore, shipments, carrierApi }),
    };
  },
};
