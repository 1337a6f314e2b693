import { canonicalOrderSchema } from '@oms/contracts';
import { express } from '@oms/http';
import { deterministicId } from '@oms/messaging';
import { z } from 'zod';
import { apiRoute } from './api-route';
import { assertMayWriteChannel } from './auth';
import type { GatewayDeps } from './deps';

export const acceptedOrderSchema = z.object({ id: z.string(), status: z.string() });

/** Order intake from the native API. Other channels (batch, CSV, Shopify) map to the same canonical order. */
export function intakeRoutes(deps: GatewayDeps): express.Router {
  const router = express.Router();

  apiRoute(router, {
    method: 'post',
    path: '/orders',
    summary: 'Submit an order (canonical JSON); 202 once the broker has it',
    tags: ['orders'],
    body: canonicalOrderSchema,
    responses: { 202: { description: 'Accepted; Location points at the order', schema: acceptedOrderSchema } },
    handler: async (_req, res, { body: order }) => {
      const principal = assertMayWriteChannel(res, order.channel);
      // The same channel order always maps to the same id, so a resend is recognised downstream.
      const orderId = deterministicId('order', order.channel, order.externalId);
      await deps.broker.publish(
        'order.received.v1',
        { orderId, order, receivedAt: new Date().toISOString(), actor: principal.actor },
        { correlationId: orderId, id: deterministicId(orderId, 'order.received.v1') },
        { requireRoute: true },
      );
      res.status(202).location(`/v1/orders/${orderId}`).json({ id: orderId, status: 'received' });
    },
  });

  return router;
}
