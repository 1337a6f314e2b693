import type { ServiceDefinition } from '@oms/runtime';
import { configSchema } from './config';
import { orderModel } from './data-access/order-model';
import { OrderRepository } from './data-access/order-repository';
import { internalOrderRoutes } from './entry-points/http/internal-orders';
import { orderHandlers, orderLockKey } from './entry-points/messages/order-handlers';

export const SERVICE_NAME = 'ingestion';

/** ingestion: the orders and their life; the one overseer of each order's state. */
export const definition: ServiceDefinition<typeof configSchema> = {
  name: SERVICE_NAME,
  configSchema,
  setup: (ctx) => {
    const orders = new OrderRepository(orderModel(ctx.db));
    return {
      routes: (app) => internalOrderRoutes(app, orders),
      consumers: orderHandlers(ctx, orders),
      prefetch: { 'ingestion.order-intake': ctx.config.INTAKE_PREFETCH },
      outbox: [{ model: orders.model, lockKey: orderLockKey }],
    };
  },
};
