import type { ServiceDefinition } from '@oms/runtime';
import { configSchema } from './config';
import { backfillListFields } from './data-access/list-fields-backfill';
import { orderDays } from './data-access/order-days';
import { orderLockKey, orderModel, type OrderDocument } from './data-access/order-model';
import { OrderRepository, toView } from './data-access/order-repository';
import { internalOrderRoutes } from './entry-points/http/internal-orders';
import { prepaymentExpiry } from './entry-points/jobs/prepayment-expiry';
import { orderSubscriptions } from './entry-points/messages/order-subscriptions';
import { placesOf } from './domain/german-postal-codes';

export const SERVICE_NAME = 'ingestion';

/** ingestion: the orders and their life; the one overseer of each order's state. */
export const definition: ServiceDefinition<typeof configSchema> = {
  name: SERVICE_NAME,
  configSchema,
  setup: (ctx) => {
    // The German postal-code list takes ~0.2 s to load: at start, not in the first order's intake.
    placesOf('10115');
    const orders = new OrderRepository(orderModel(ctx.db), orderDays(ctx.db));
    const store = ctx.aggregates<OrderDocument>({ model: orders.model, lockKey: orderLockKey, view: toView });
    // In the background: the service serves meanwhile (lists walk whole days with the old filters until
    // every order has its list fields).
    void backfillListFields(store, orders, ctx.logger).catch((err) =>
      ctx.logger.warn({ err: (err as Error).message }, 'list fields backfill stopped; it starts again with the next start'),
    );
    const prepayments = prepaymentExpiry({ orders, broker: ctx.broker }, ctx.config.PREPAYMENT_DAYS, ctx.logger);
    prepayments.start(ctx.config.PREPAYMENT_SWEEP_MS);
    return {
      routes: (app) => internalOrderRoutes(app, orders),
      consumers: orderSubscriptions({ store, orders, coverage: ctx.config.SHIPPING_COVERAGE }),
      prefetch: { 'ingestion.order-intake': ctx.config.INTAKE_PREFETCH },
      onStop: () => prepayments.stop(),
    };
  },
};
