import { express } from '@oms/http';
import { z } from 'zod';
import { apiRoute } from './api-route';
import { principalOf } from './auth';
import { seg, sendCommand, type GatewayDeps } from './deps';

const orderParams = z.object({ id: z.string().min(1).max(200) });
const cancelBody = z.object({ reason: z.string().min(1).max(500).optional() });
const orderView = z.object({ id: z.string(), status: z.string(), timeline: z.array(z.record(z.string(), z.unknown())) }).loose();

/** Reading and changing orders (ingestion owns them; changes are commands, reads are queries). */
export function ordersRoutes(deps: GatewayDeps): express.Router {
  const router = express.Router();

  apiRoute(router, {
    method: 'get',
    path: '/orders/:id',
    summary: 'An order with its status, holds and timeline',
    tags: ['orders'],
    params: orderParams,
    responses: { 200: { description: 'The order', schema: orderView } },
    handler: async (_req, res, { params }) => {
      res.json(await deps.upstreams.ingestion.get(`/internal/orders/${seg(params.id)}`));
    },
  });

  apiRoute(router, {
    method: 'post',
    path: '/orders/:id/cancel',
    summary: 'Cancel an order until it is packed: releases stock and voids the payment',
    tags: ['orders'],
    params: orderParams,
    body: cancelBody,
    errors: [409],
    responses: {
      200: { description: 'Cancelled', schema: orderView },
      202: { description: 'Cancellation queued; it will be carried out', schema: z.object({ id: z.string(), status: z.literal('cancel_requested') }) },
    },
    handler: async (_req, res, { params, body }) => {
      const orderId = params.id;
      await deps.upstreams.ingestion.get(`/internal/orders/${seg(orderId)}`); // 404 for an unknown order
      const outcome = await sendCommand(deps, 'order.cancel.v1', { orderId, reason: body.reason ?? 'cancelled by operator', actor: principalOf(res).actor }, orderId);
      if (outcome.status === 'done') res.json(outcome.result);
      else res.status(202).json({ id: orderId, status: 'cancel_requested' });
    },
  });

  return router;
}
