import { DayIndex } from '@oms/mongo';
import type { ServiceDefinition } from '@oms/runtime';
import { fulfillmentQueries } from './application/fulfillment-queries';
import { configSchema, SERVICE_NAME } from './config';
import { fulfillmentLockKey, fulfillmentModel, type FulfillmentDoc } from './data-access/fulfillment-model';
import { FulfillmentRepository } from './data-access/fulfillment-repository';
import { toFulfillmentView } from './data-access/fulfillment-view';
import { pickListModel } from './data-access/pick-list-model';
import { fulfillmentRoutes } from './entry-points/http/fulfillment-routes';
import { fulfillmentSubscriptions } from './entry-points/messages/fulfillment-subscriptions';

/** fulfillment: the warehouse work of an order, one fulfillment per ship-from location, and the pick lists. */
export const definition: ServiceDefinition<typeof configSchema> = {
  name: SERVICE_NAME,
  configSchema,
  setup(ctx) {
    const fulfillments = new FulfillmentRepository(fulfillmentModel(ctx.db), new DayIndex(ctx.db, 'fulfillment_days'));
    const pickLists = pickListModel(ctx.db);
    const store = ctx.aggregates<FulfillmentDoc>({ model: fulfillments.model, lockKey: fulfillmentLockKey, view: toFulfillmentView });
    return {
      routes: fulfillmentRoutes(fulfillmentQueries(fulfillments, pickLists)),
      consumers: fulfillmentSubscriptions({ store, fulfillments, pickLists, handlingHours: ctx.config.HANDLING_HOURS }),
    };
  },
};
