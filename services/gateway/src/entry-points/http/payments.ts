import { z } from 'zod';
import { express } from '@oms/http';
import type { GatewayDeps } from '../../application/deps';
import { paymentsOfOrder } from '../../application/payment-queries';
import { apiRoute, byOrderQuery } from './api-route';
import { principalOf } from './auth';

// Owned by the payment-check service: documented loosely, its fields are that service's contract.
const paymentView = z.object({}).loose().describe('A payment check of an order: authorization, void, refunds');

export function paymentsRoutes(deps: GatewayDeps): express.Router {
  const router = express.Router();

  apiRoute(router, {
    method: 'get',
    path: '/payments',
    summary: 'The payment checks of an order',
    tags: ['payments'],
    query: byOrderQuery,
    responses: { 200: { description: 'The payment checks of the order', schema: z.array(paymentView) } },
    handler: async (_req, res, { query }) => {
      res.json(await paymentsOfOrder(deps, principalOf(res), query.orderId));
    },
  });

  return router;
}
