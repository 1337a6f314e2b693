import { express } from '@oms/http';
import { apiKeysRoutes } from './api-keys';
import { requireApiKey, type KeyResolver } from './auth';
import { batchImportRoutes } from './batch-import';
import { carriersRoutes, trackingWebhookRoutes } from './carriers';
import { channelsRoutes } from './channels';
import type { GatewayDeps } from './deps';
import { fulfillmentsRoutes } from './fulfillments';
import { intakeRoutes } from './intake';
import { inventoryRoutes } from './inventory';
import { ordersRoutes } from './orders';
import { paymentsRoutes } from './payments';
import { mapGatewayErrors } from './problems';
import { returnsRoutes } from './returns';
import { shipmentsRoutes } from './shipments';
import { shopifyWebhookRoutes } from './shopify';

/** The public API. Webhooks come before the API-key check: they are authenticated by their signature. */
export function publicApi(deps: GatewayDeps, keys: KeyResolver): express.Router {
  const v1 = express.Router();
  v1.use(trackingWebhookRoutes(deps));
  v1.use(shopifyWebhookRoutes(deps));
  v1.use(requireApiKey(keys));
  v1.use(apiKeysRoutes(deps));
  v1.use(channelsRoutes(deps));
  v1.use(batchImportRoutes(deps));
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
