import { createHttpClient } from '@oms/resilience';
import type { ServiceDefinition } from '@oms/runtime';
import { configSchema, SERVICE_NAME } from './config';
import { outboxLockKey, registerPaymentCheckModel } from './data-access/payment-check-model';
import { PaymentProvider } from './data-access/payment-provider';
import { paymentRoutes } from './entry-points/http/payment-routes';
import { paymentCommandHandlers } from './entry-points/messages/payment-commands';

export const definition: ServiceDefinition<typeof configSchema> = {
  name: SERVICE_NAME,
  configSchema,
  setup(ctx) {
    const checks = registerPaymentCheckModel(ctx.db);
    // A third party: its calls are CLIENT spans, without our trace headers (docs/observability.md).
    const provider = new PaymentProvider(
      createHttpClient({ name: 'payment-provider', baseUrl: ctx.config.PAYMENT_PROVIDER_URL, logger: ctx.logger, timeoutMs: ctx.config.PAYMENT_PROVIDER_TIMEOUT_MS, tracing: ctx.tracing }),
    );
    return {
      routes: paymentRoutes(checks),
      consumers: { 'payment-check.commands': paymentCommandHandlers({ locks: ctx.locks, outbox: ctx.outbox, checks, provider }) },
      outbox: [{ model: checks, lockKey: outboxLockKey(checks) }],
      onStop: async () => provider.shutdown(),
    };
  },
};
