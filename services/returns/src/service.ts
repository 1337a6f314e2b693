import { DayIndex } from '@oms/mongo';
import type { ServiceDefinition } from '@oms/runtime';
import { returnQueries } from './application/return-queries';
import { configSchema, SERVICE_NAME } from './config';
import { deliveredOrderModel } from './data-access/delivered-order-model';
import { DeliveredOrderRepository } from './data-access/delivered-order-repository';
import { returnLockKey, returnModel, type ReturnDoc } from './data-access/return-model';
import { ReturnRepository } from './data-access/return-repository';
import { toReturnView } from './data-access/return-view';
import { returnRoutes } from './entry-points/http/return-routes';
import { returnsSubscriptions } from './entry-points/messages/returns-subscriptions';

/** returns: customers' returns of delivered orders, their receipt and the refund they are owed. */
export const definition: ServiceDefinition<typeof configSchema> = {
  name: SERVICE_NAME,
  configSchema,
  async setup(ctx) {
    const returns = new ReturnRepository(returnModel(ctx.db), new DayIndex(ctx.db, 'return_days'));
    const deliveredOrders = new DeliveredOrderRepository(deliveredOrderModel(ctx.db));
    const store = ctx.aggregates<ReturnDoc>({ model: returns.model, lockKey: returnLockKey, view: toReturnView });
    // Returns stored before the list existed: listed once, before anything is read.
    await returns.listExistingReturns((id, work) => store.withLock(id, work));
    return {
      routes: (app) => returnRoutes(app, returnQueries(returns)),
      consumers: returnsSubscriptions({ store, returns, deliveredOrders, returnedToSender: ctx.config.RETURNED_TO_SENDER_RESOLUTION }),
    };
  },
};
