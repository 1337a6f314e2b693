import { z } from 'zod';
import { parseOrThrow } from '@oms/errors';
import type { Express } from '@oms/http';
import type { FulfillmentQueries } from '../../application/fulfillment-queries';

const byOrderQuery = z.object({ orderId: z.string().min(1).max(200) });

/** Queries for the gateway. */
export function fulfillmentRoutes(queries: FulfillmentQueries) {
  return (app: Express) => {
    app.get('/internal/fulfillments', async (req, res) => {
      const { orderId } = parseOrThrow(byOrderQuery, req.query, 'query');
      res.json(await queries.ofOrder(orderId));
    });

    app.get('/internal/fulfillments/:id', async (req, res) => {
      res.json(await queries.get(req.params.id));
    });
  };
}
