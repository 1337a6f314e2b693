import type { Model } from 'mongoose';
import { notFound } from '@oms/errors';
import type { FulfillmentRepository, QueueQuery } from '../data-access/fulfillment-repository';
import { toFulfillmentView } from '../data-access/fulfillment-view';
import { toPickListView, type PickListDoc } from '../data-access/pick-list-model';

export type { FulfillmentView } from '../data-access/fulfillment-view';
export type { PickListView } from '../data-access/pick-list-model';

/** What the gateway asks about fulfillments and pick lists. */
export function fulfillmentQueries(fulfillments: FulfillmentRepository, pickLists: Model<PickListDoc>) {
  return {
    /** An order's fulfillments, by location. */
    async ofOrder(orderId: string) {
      return (await fulfillments.ofOrder(orderId)).map(toFulfillmentView);
    },

    /** One page of a location's work queue. */
    async queue(query: QueueQuery) {
      const page = await fulfillments.queue(query);
      return { items: page.items.map(toFulfillmentView), nextCursor: page.nextCursor };
    },

    async get(id: string) {
      const doc = await fulfillments.byId(id);
      if (!doc) throw notFound(`fulfillment ${id}`);
      return toFulfillmentView(doc);
    },

    async pickList(id: string) {
      const doc = await pickLists.findById(id).lean<PickListDoc>();
      if (!doc) throw notFound(`pick list ${id}`);
      return toPickListView(doc);
    },
  };
}

export type FulfillmentQueries = ReturnType<typeof fulfillmentQueries>;
