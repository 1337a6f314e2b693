import type { ServiceDefinition } from '@oms/runtime';
import { configSchema } from './config';
import { backfillListBuckets } from './data-access/list-bucket-backfill';
import { orderDays } from './data-access/order-days';
import { orderLockKey, orderModel, type OrderDocument } from './data-access/order-model';
import { OrderRepository, toView } from './data-access/order-repository';
import { internalOrderRoutes } from './entry-points/http/internal-orders';
import { orderSubscriptions } from './entry-points/messages/order-subscriptions';

export const SERVICE_NAME = 'ingestion';

/** ingestion: the orders and their life; the one overseer of each order's state. */
export const definition: ServiceDefinition<typeof configSchema> = {
  name: SERVICE_NAME,
  configSchema,
  setup: (ctx) => {
    const orders = new OrderRepository(orderModel(ctx.db), orderDays(ctx.db));
    const store = ctx.aggregates<OrderDocument>({ model: orders.model, lockKey: orderLockKey, view: toView });
    // In the background: the service serves meanwhile (older orders appear in lists as they get their day;
    // lists walk whole days until every order has its second).
    void backfillListBuckets(store, orders.days, ctx.logger).catch((err) =>
      ctx.logger.warn({ err: (err as Error).message }, 'list bucket backfill stopped; it starts again with the next start'),
    );
    return {
      routes: (app) => internalOrderRoutes(app, orders),
      consumers: orderSubscriptions({ store, orders }),
      prefetch: { 'ingestion.order-intake': ctx.config.INTAKE_PREFETCH },
    };
  },
};
