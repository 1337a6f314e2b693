import { DayIndex } from '@oms/mongo';
import type { ServiceDefinition } from '@oms/runtime';
import { fulfillmentQueries } from './application/fulfillment-queries';
import { configSchema, SERVICE_NAME } from './config';
import { BinRepository } from './data-access/bin-model';
import { fulfillmentLockKey, fulfillmentModel, type FulfillmentDoc } from './data-access/fulfillment-model';
import { FulfillmentRepository } from './data-access/fulfillment-repository';
import { toFulfillmentView } from './data-access/fulfillment-view';
import { pickListModel } from './data-access/pick-list-model';
import { fulfillmentRoutes } from './entry-points/http/fulfillment-routes';
import { pickupSweep } from './entry-points/jobs/pickup-sweep';
import { workQueueSweep } from './entry-points/jobs/work-queue-sweep';
import { fulfillmentSubscriptions } from './entry-points/messages/fulfillment-subscriptions';

/** fulfillment: the warehouse work of an order, one fulfillment per ship-from location, and the pick lists. */
export const definition: ServiceDefinition<typeof configSchema> = {
  name: SERVICE_NAME,
  configSchema,
  async setup(ctx) {
    const fulfillments = new FulfillmentRepository(fulfillmentModel(ctx.db), new DayIndex(ctx.db, 'fulfillment_days'));
    const pickLists = pickListModel(ctx.db);
    const store = ctx.aggregates<FulfillmentDoc>({ model: fulfillments.model, lockKey: fulfillmentLockKey, view: toFulfillmentView });
    // Work stored before the active queues were read by day and hour: listed so once, before anything is read.
    await fulfillments.listExistingActiveWork((id, work) => store.withLock(id, work));
    const pickupDays = { remind: ctx.config.PICKUP_REMIND_AFTER_DAYS, cancel: ctx.config.PICKUP_CANCEL_AFTER_DAYS };
    const pickups = pickupSweep({ fulfillments, pickupDays }, ctx.broker, ctx.logger);
    pickups.start(ctx.config.PICKUP_SWEEP_MS);
    const workQueues = workQueueSweep({ fulfillments }, ctx.logger);
    workQueues.start(ctx.config.WORK_QUEUE_SWEEP_MS);
    return {
      routes: fulfillmentRoutes(fulfillmentQueries(fulfillments, pickLists)),
      consumers: fulfillmentSubscriptions({
        store,
        fulfillments,
        pickLists,
        bins: new BinRepository(ctx.db),
        handlingHours: ctx.config.HANDLING_HOURS,
        redis: ctx.redis,
        pickupDays,
      }),
      onStop: async () => {
        await pickups.stop();
        await workQueues.stop();
      },
    };
  },
};
