import { express } from '@oms/http';
import { requireApiKey, type KeyResolver } from './auth';
import { carriersRoutes, trackingWebhookRoutes } from './carriers';
import type { GatewayDeps } from './deps';
import { fulfillmentsRoutes } from './fulfillments';
import { intakeRoutes } from './intake';
import { inventoryRoutes } from './inventory';
import { ordersRoutes } from './orders';
import { paymentsRoutes } from './payments';
import { mapGatewayErrors } from './problems';
import { returnsRoutes } from './returns';
import { shipmentsRoutes } from './shipments';

/** The public API. The tracking webhook comes before the API-key check: it is authenticated by signature. */
export function publicApi(deps: GatewayDeps, keys: KeyResolver): express.Router {
  const v1 = express.Router();
  v1.use(trackingWebhookRoutes(deps));
  v1.use(requireApiKey(keys));
  v1.use(intakeRoutes(deps));
  v1.use(ordersRoutes(deps));
  v1.use(inventoryRoutes(deps));
  v1.use(fulfillmentsRoutes(deps));
  v1.use(shipmentsRoutes(deps));
  v1.use(carriersRoutes(deps));
  v1.use(returnsRoutes(deps));
  v1.use(paymentsRoutes(deps));
  v1.use(mapGatewayErrors);
  return v1;
}
