import { createHttpClient } from '@oms/resilience';
import type { ServiceDefinition } from '@oms/runtime';
import { paymentQueries } from './application/payment-queries';
import { configSchema, SERVICE_NAME } from './config';
import { paymentCheckModel, paymentLockKey, type PaymentCheckDoc } from './data-access/payment-check-model';
import { PaymentCheckRepository } from './data-access/payment-check-repository';
import { PaymentProvider } from './data-access/payment-provider';
import { paymentRoutes } from './entry-points/http/payment-routes';
import { paymentCheckSubscriptions } from './entry-points/messages/payment-check-subscriptions';

/** payment-check: authorizes orders' payments with the card provider, voids and refunds them. */
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
    return {
      routes: paymentRoutes(paymentQueries(checks)),
      consumers: paymentCheckSubscriptions({ store, provider }),
      onStop: async () => provider.shutdown(),
    };
  },
};
