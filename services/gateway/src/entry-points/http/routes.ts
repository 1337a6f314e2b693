import { express, type RequestHandler, type Response } from '@oms/http';
import type { LiveEvents } from '@oms/messaging';
import type { Redis } from '@oms/redis';
import type { ApiKeys, KeyResolver } from '../../application/api-keys';
import type { Users } from '../../application/users';
import type { GatewayDeps } from '../../application/deps';
import { apiKeysRoutes } from './api-keys';
import { requireApiKey } from './auth';
import { batchImportRoutes } from './batch-import';
import { carriersRoutes, trackingWebhookRoutes } from './carriers';
import { channelsRoutes } from './channels';
import { fulfillmentsRoutes } from './fulfillments';
import { intakeRoutes } from './intake';
import { inventoryRoutes } from './inventory';
import { ordersRoutes } from './orders';
import { fraudRoutes } from './fraud';
import { partnersRoutes } from './partners';
import { paymentsRoutes } from './payments';
import { mapGatewayErrors } from './problems';
import { liveEventRoutes } from './live-events';
import { returnsRoutes } from './returns';
import { sessionRoutes } from './session';
import { usersRoutes } from './users';
import { tasksRoutes } from './tasks';
import { reportsRoutes } from './reports';
import { shipmentsRoutes } from './shipments';
import { skusRoutes } from './skus';
import { shopifyWebhookRoutes } from './shopify';
import { webhookSubscriptionRoutes } from './webhook-subscriptions';

/** Who may call, how often, and the Idempotency-Key guard (see service.ts for how they are built). */
export interface Access {
  keys: KeyResolver;
  apiKeys: ApiKeys;
  rateLimit: RequestHandler;
  idempotency: RequestHandler;
  /** Console users and their sessions (docs/console.md). */
  users: Users;
  redis: Redis;
  /** Live updates for the console (GET /v1/events) and the streams open now (ended when the gateway drains). */
  live: { events: LiveEvents; streams: Set<Response> };
}

/**
 * The public API. Webhooks come before the API-key check: they are authenticated by their signature (and
 * drop repeats by their own delivery ids). Everything after it: API key, then the key's rate limit, then
 * Idempotency-Key on every POST (mounted before all routes, so routes added later are covered too). The
 * console's session cookie counts like a key (auth.ts); signing in (session.ts) needs none.
 */
export function publicApi(deps: GatewayDeps, access: Access): express.Router {
  const v1 = express.Router();
  v1.use(trackingWebhookRoutes(deps));
  v1.use(shopifyWebhookRoutes(deps));
  v1.use(sessionRoutes(access.users, access.redis));
  v1.use(requireApiKey(access.keys, (token) => access.users.session(token)));
  v1.use(access.rateLimit);
  v1.use(access.idempotency);
  // Order intake first: it is by far the busiest route, and every router before it is one more walk over
  // routes that cannot match.
  v1.use(intakeRoutes(deps));
  v1.use(apiKeysRoutes(access.apiKeys));
  v1.use(usersRoutes(access.users));
  v1.use(liveEventRoutes(access.live.events, access.live.streams));
  v1.use(channelsRoutes(deps));
  v1.use(batchImportRoutes(deps));
  v1.use(ordersRoutes(deps));
  v1.use(inventoryRoutes(deps));
  v1.use(fulfillmentsRoutes(deps));
  v1.use(shipmentsRoutes(deps));
  v1.use(carriersRoutes(deps));
  v1.use(skusRoutes(deps));
  v1.use(partnersRoutes(deps));
  v1.use(returnsRoutes(deps));
  v1.use(tasksRoutes(deps));
  v1.use(reportsRoutes(deps));
  v1.use(paymentsRoutes(deps));
  v1.use(fraudRoutes(deps));
  v1.use(webhookSubscriptionRoutes(deps.webhooks.deps, deps.webhooks.dispatcher));
  v1.use(mapGatewayErrors);
  return v1;
}
