import { createHttpClient } from '@oms/resilience';
import type { ServiceDefinition } from '@oms/runtime';
import { fraudQueries } from './application/fraud-settings';
import { paymentQueries } from './application/payment-queries';
import { configSchema, SERVICE_NAME } from './config';
import { paymentCheckModel, paymentLockKey, type PaymentCheckDoc } from './data-access/payment-check-model';
import { PaymentCheckRepository } from './data-access/payment-check-repository';
import { loadDisposableDomains } from './data-access/disposable-domains';
import { FraudSettings } from './data-access/fraud-settings';
import { PaymentProvider } from './data-access/payment-provider';
import { VelocityCounter } from './data-access/velocity-counter';
import { paymentRoutes } from './entry-points/http/payment-routes';
import { reauthorizationSweep } from './entry-points/jobs/reauthorization-sweep';
import { paymentCheckSubscriptions } from './entry-points/messages/payment-check-subscriptions';

/** payment-check: screens orders for fraud, authorizes their payments with the card provider, captures, voids and refunds them. */
export const definition: ServiceDefinition<typeof configSchema> = {
  name: SERVICE_NAME,
  configSchema,
  setup(ctx) {
    const checks = new PaymentCheckRepository(paymentCheckModel(ctx.db));
    // Its commands answer nothing, so the store needs no view.
    const store = ctx.aggregates<PaymentCheckDoc>({ model: checks.model, lockKey: paymentLockKey });
    // A third party: its calls are CLIENT spans, without our trace headers (docs/observability.md).
    const provider = new PaymentProvider(
      createHttpClient({
        name: 'payment-provider',
        baseUrl: ctx.config.PAYMENT_PROVIDER_URL,
        logger: ctx.logger,
        timeoutMs: ctx.config.PAYMENT_PROVIDER_TIMEOUT_MS,
        tracing: ctx.tracing,
      }),
    );
    loadDisposableDomains();
    const screening = { settings: new FraudSettings(ctx.db, ctx.config.FRAUD_RULES_CACHE_MS), velocity: new VelocityCounter(ctx.redis), checks };
    const reauthorizations = reauthorizationSweep({ checks, broker: ctx.broker }, ctx.config.REAUTHORIZE_BEFORE_MS, ctx.logger);
    reauthorizations.start(ctx.config.REAUTHORIZE_SWEEP_MS);
    return {
      routes: paymentRoutes(paymentQueries(checks), fraudQueries(screening.settings)),
      consumers: paymentCheckSubscriptions({ store, provider, screening }, ctx.config.REAUTHORIZE_BEFORE_MS),
      onStop: async () => {
        await reauthorizations.stop();
        provider.shutdown();
      },
    };
  },
};
