import type { ServiceDefinition } from '@oms/runtime';
import { configSchema, SERVICE_NAME } from './config';
import { deliveredOrderModel } from './data-access/delivered-order.model';
import { returnModel } from './data-access/return.model';
import { returnsRoutes } from './entry-points/http/routes';
import { returnLockKey } from './entry-points/messages/deps';
import { returnsConsumers } from './entry-points/messages/handlers';

export const definition: ServiceDefinition<typeof configSchema> = {
  name: SERVICE_NAME,
  configSchema,
  setup(ctx) {
    const Returns = returnModel(ctx.db);
    const DeliveredOrders = deliveredOrderModel(ctx.db);
    return {
      routes: (app) => returnsRoutes(app, Returns),
      consumers: returnsConsumers({ Returns, DeliveredOrders, locks: ctx.locks, outbox: ctx.outbox }),
      outbox: [{ model: Returns, lockKey: returnLockKey }],
    };
  },
};
