import { z } from 'zod';
import { notFound, parseOrThrow } from '@oms/errors';
import type { Express } from '@oms/http';
import type { FulfillmentDoc, FulfillmentModel } from '../../data-access/fulfillment-model';
import { toFulfillmentView } from '../fulfillment-view';

const byOrderQuery = z.object({ orderId: z.string().min(1).max(200) });
const hidden = { outbox: 0, processed: 0 } as const;

/** Queries for the gateway. */
export function fulfillmentRoutes(fulfillments: FulfillmentModel) {
  return (app: Express) => {
    app.get('/internal/fulfillments', async (req, res) => {
      const { orderId } = parseOrThrow(byOrderQuery, req.query, 'query');
      const docs = await fulfillments.find({ orderId }, hidden).sort({ locationId: 1 }).lean<FulfillmentDoc[]>();
      res.json(docs.map(toFulfillmentView));
    });

    app.get('/internal/fulfillments/:id', async (req, res) => {
      const doc = await fulfillments.findById(req.params.id, hidden).lean<FulfillmentDoc>();
      if (!doc) throw notFound(`fulfillment ${req.params.id}`);
      res.json(toFulfillmentView(doc));
    });
  };
}
