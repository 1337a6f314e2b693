import { notFound } from '@oms/errors';
import type { FulfillmentRepository } from '../data-access/fulfillment-repository';
import { toFulfillmentView } from '../data-access/fulfillment-view';

/** What the gateway asks about fulfillments. */
export function fulfillmentQueries(fulfillments: FulfillmentRepository) {
  return {
    /** An order's fulfillments, by location. */
    async ofOrder(orderId: string) {
      return (await fulfillments.ofOrder(orderId)).map(toFulfillmentView);
    },

    async get(id: string) {
      const doc = await fulfillments.byId(id);
      if (!doc) throw notFound(`fulfillment ${id}`);
      return toFulfillmentView(doc);
    },
  };
}

export type FulfillmentQueries = ReturnType<typeof fulfillmentQueries>;
