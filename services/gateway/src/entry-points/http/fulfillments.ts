import { z } from 'zod';
import { commands } from '@oms/contracts';
import { express } from '@oms/http';
import type { GatewayDeps } from '../../application/deps';
import { fulfillmentById, fulfillmentsOfOrder } from '../../application/fulfillment-queries';
import { apiRoute, byOrderQuery, pathId } from './api-route';
import { requireOps } from './auth';
import { commandRoute } from './command-route';

const fulfillmentParams = z.object({ id: pathId });
const shortPickBody = commands['fulfillment.report-short-pick.v1'].pick({ lines: true });
// Owned by the fulfillment service: documented loosely, its fields are that service's contract.
const fulfillmentView = z.object({ id: z.string(), status: z.string() }).loose().describe('A fulfillment: what one location ships for an order');

export function fulfillmentsRoutes(deps: GatewayDeps): express.Router {
  const router = express.Router();

  apiRoute(router, {
    method: 'get',
    path: '/fulfillments',
    summary: 'The fulfillments of an order',
    tags: ['fulfillment'],
    query: byOrderQuery,
    responses: { 200: { description: 'The fulfillments of the order', schema: z.array(fulfillmentView) } },
    handler: async (_req, res, { query }) => {
      requireOps(res);
      res.json(await fulfillmentsOfOrder(deps, query.orderId));
    },
  });

  apiRoute(router, {
    method: 'get',
    path: '/fulfillments/:id',
    summary: 'One fulfillment',
    tags: ['fulfillment'],
    params: fulfillmentParams,
    responses: { 200: { description: 'The fulfillment', schema: fulfillmentView } },
    handler: async (_req, res, { params }) => {
      requireOps(res);
      res.json(await fulfillmentById(deps, params.id));
    },
  });

  commandRoute(router, deps, {
    method: 'post',
    path: '/fulfillments/:id/pack',
    summary: 'Mark a fulfillment packed: the shipment is booked with the carrier',
    tags: ['fulfillment'],
    params: fulfillmentParams,
    errors: [409],
    responses: {
      200: { description: 'Packed', schema: fulfillmentView },
      202: { description: 'Packing queued; it will be carried out', schema: z.object({ id: z.string(), status: z.literal('pack_requested') }) },
    },
    command: ({ params }, res) => ({ type: 'fulfillment.pack.v1', data: { fulfillmentId: params.id, actor: requireOps(res).actor }, correlationId: params.id }),
    pending: ({ fulfillmentId }) => ({ id: fulfillmentId, status: 'pack_requested' }),
  });

  commandRoute(router, deps, {
    method: 'post',
    path: '/fulfillments/:id/short-pick',
    summary: 'Report articles missing on the shelf (ops): the count is corrected and the missing units are sourced from another location, or the order is held',
    tags: ['fulfillment'],
    params: fulfillmentParams,
    body: shortPickBody,
    errors: [409],
    responses: {
      200: { description: 'The fulfillment with what is left to pick', schema: fulfillmentView },
      202: { description: 'Queued; it will be carried out', schema: z.object({ id: z.string(), status: z.literal('short_pick_requested') }) },
    },
    command: ({ params, body }, res) => {
      const { actor } = requireOps(res);
      return { type: 'fulfillment.report-short-pick.v1', data: { fulfillmentId: params.id, lines: body.lines, actor }, correlationId: params.id };
    },
    pending: ({ fulfillmentId }) => ({ id: fulfillmentId, status: 'short_pick_requested' }),
  });

  return router;
}
