import type { ServiceDefinition } from '@oms/runtime';
import { configSchema, SERVICE_NAME } from './config';
import { fulfillmentLockKey, registerFulfillmentModel } from './data-access/fulfillment-model';
import { fulfillmentRoutes } from './entry-points/http/fulfillment-routes';
import { fulfillmentCommandHandlers } from './entry-points/messages/fulfillment-commands';

export const definition: ServiceDefinition<typeof configSchema> = {
  name: SERVICE_NAME,
  configSchema,
  setup(ctx) {
    const fulfillments = registerFulfillmentModel(ctx.db);
    return {
      routes: fulfillmentRoutes(fulfillments),
      consumers: { 'fulfillment.commands': fulfillmentCommandHandlers({ locks: ctx.locks, outbox: ctx.outbox, fulfillments }) },
      outbox: [{ model: fulfillments, lockKey: fulfillmentLockKey }],
    };
  },
};
