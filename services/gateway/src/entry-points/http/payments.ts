import { express } from '@oms/http';
import { z } from 'zod';
import { apiRoute, byOrderQuery } from './api-route';
import { seg, type GatewayDeps } from './deps';
import { assertMayReadOrder } from './order-access';

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
      await assertMayReadOrder(deps, res, query.orderId);
      res.json(await deps.upstreams.paymentCheck.get(`/internal/payments?orderId=${seg(query.orderId)}`));
    },
  });

  return router;
}
