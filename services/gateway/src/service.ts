import type { Response } from '@oms/http';
import { LiveEvents } from '@oms/messaging';
import type { ServiceDefinition } from '@oms/runtime';
import { ApiKeys, anyKey, bootstrapKey, StoredKeys } from './application/api-keys';
import type { GatewayDeps } from './application/deps';
import { configSchema } from './config';
import { apiKeyModel, ApiKeyRepository } from './data-access/api-keys';
import { SessionStore } from './data-access/sessions';
import { UserRepository } from './data-access/users';
import { Users } from './application/users';
import { channelRepository } from './data-access/channels';
import { IdempotencyStore } from './data-access/idempotency';
import { createUpstreams } from './data-access/upstreams';
import { DeliveryRepository } from './data-access/webhook-deliveries';
import { SubscriptionRepository } from './data-access/webhook-subscriptions';
import { resolveHost, WebhookTransport } from './data-access/webhook-transport';
import { deliveryLockKey, WebhookDispatcher, type WebhookDeps } from './application/webhook-delivery';
import { webhookRetention } from './entry-points/jobs/webhook-retention';
import { webhookRetries } from './entry-points/jobs/webhook-retries';
import { webhookEventHandlers } from './entry-points/messages/webhook-events';
import { idempotency } from './entry-points/http/idempotency';
import { consoleDirectory, consoleRoutes } from './entry-points/http/console';
import { docsRoutes } from './entry-points/http/openapi';
import { LIVE_EVENT_TYPES } from './entry-points/http/live-events';
import { SESSION_HOURS } from './entry-points/http/session';
import { rateLimitPerKey } from './entry-points/http/rate-limit';
import { publicApi } from './entry-points/http/routes';

/** The only public HTTP entry: authenticates, validates, publishes to the broker, routes queries. */
export const definition: ServiceDefinition<typeof configSchema> = {
  name: 'gateway',
  configSchema,
  setup: (ctx) => {
    const { config } = ctx;
    // Webhook subscriptions and deliveries live in the gateway's own database (docs/webhooks.md).
    const transport = new WebhookTransport(ctx.logger, config.WEBHOOK_TIMEOUT_MS, config.WEBHOOK_BREAKER_RESET_MS);
    const webhookDeps: WebhookDeps = {
      subscriptions: new SubscriptionRepository(ctx.db),
      deliveries: new DeliveryRepository(ctx.db, ctx.redis),
      transport,
      locks: ctx.locks,
      outbox: ctx.outbox,
      resolve: resolveHost,
      logger: ctx.logger,
      settings: {
        policy: { allowHttp: config.WEBHOOK_ALLOW_HTTP, allowPrivateNetworks: config.WEBHOOK_ALLOW_PRIVATE_NETWORKS },
        retry: { delaysMs: config.WEBHOOK_RETRY_DELAYS_MS, windowMs: config.WEBHOOK_RETRY_WINDOW_MS },
        timeoutMs: config.WEBHOOK_TIMEOUT_MS,
        maxInFlight: config.WEBHOOK_MAX_IN_FLIGHT,
      },
    };
    const dispatcher = new WebhookDispatcher(webhookDeps);
    const retries = webhookRetries(dispatcher, ctx.logger);
    retries.start(config.WEBHOOK_SWEEP_MS);
    const retention = webhookRetention(webhookDeps, config.WEBHOOK_DELIVERY_RETENTION_DAYS, ctx.logger);
    retention.start(config.WEBHOOK_RETENTION_SWEEP_MS);
    const deps: GatewayDeps = {
      broker: ctx.broker,
      commands: ctx.commands,
      commandTimeoutMs: ctx.config.COMMAND_TIMEOUT_MS,
      upstreams: createUpstreams(ctx.config, ctx.logger, ctx.tracing),
      redis: ctx.redis,
      channels: channelRepository(ctx.db),
      webhooks: { deps: webhookDeps, dispatcher },
    };
    // API keys (hashed) live in the gateway's own database; Idempotency-Key records in Redis with a TTL.
    const repository = new ApiKeyRepository(apiKeyModel(ctx.db));
    const stored = new StoredKeys(repository, ctx.config.API_KEY_CACHE_MS);
    const keys = anyKey(bootstrapKey(ctx.config.OMS_BOOTSTRAP_API_KEY), stored.resolve);
    const access = {
      keys,
      users: new Users(new UserRepository(ctx.db), new SessionStore(ctx.redis, SESSION_HOURS * 3600), keys),
      redis: ctx.redis,
      live: { events: new LiveEvents(ctx.broker, LIVE_EVENT_TYPES, ctx.logger), streams: new Set<Response>() },
      apiKeys: new ApiKeys(repository, stored),
      rateLimit: rateLimitPerKey(ctx.redis, { perSecond: ctx.config.RATE_LIMIT_PER_SECOND, burst: ctx.config.RATE_LIMIT_BURST }, ctx.logger),
      idempotency: idempotency(new IdempotencyStore(ctx.redis, ctx.config.IDEMPOTENCY_TTL_SECONDS), ctx.logger),
    };
    return {
      routes: (app) => {
        // Live streams never end by themselves: end them when the gateway drains, so that its stop does not wait for them.
        const startDraining = app.locals.startDraining as () => void;
        app.locals.startDraining = () => {
          startDraining();
          for (const stream of access.live.streams) stream.end();
        };
        // The API first: nearly every request is for it, and the paths do not overlap with the documents'.
        app.use('/v1', publicApi(deps, access));
        app.use(docsRoutes());
        app.use(consoleRoutes(builtConsole()));
      },
      consumers: { 'gateway.webhooks': webhookEventHandlers(dispatcher) },
      // A given-up delivery's webhook.delivery-failed.v1 waits in its document until confirmed.
      outbox: [{ model: webhookDeps.deliveries.model, lockKey: deliveryLockKey }],
      onStop: async () => {
        await retries.stop();
        await retention.stop();
        await dispatcher.drain();
        transport.shutdown();
      },
    };
  },
};

/** The built console's folder, or undefined when @oms/console is not installed (a gateway built without it). */
function builtConsole(): string | undefined {
  try {
    return consoleDirectory();
  } catch {
    return undefined;
  }
}
