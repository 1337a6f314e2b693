import { randomUUID } from 'node:crypto';
import { commands } from '@oms/contracts';
import { express } from '@oms/http';
import { z } from 'zod';
import { apiRoute, pathId } from './api-route';
import { principalOf, requireOps } from './auth';
import { assertMayReadOrder } from './order-access';
import { seg, sendCommand, type GatewayDeps } from './deps';

const openBody = commands['return.open.v1'].pick({ orderId: true, lines: true });
const receiveBody = commands['return.receive.v1'].pick({ locationId: true, lines: true });
const returnParams = z.object({ id: pathId });
// Owned by the returns service: documented loosely, its fields are that service's contract.
const returnView = z.object({ id: z.string(), status: z.string() }).loose().describe('A return with its lines, receipt and refund');

export function returnsRoutes(deps: GatewayDeps): express.Router {
  const router = express.Router();

  apiRoute(router, {
    method: 'post',
    path: '/returns',
    summary: 'Open a return for lines of a delivered order',
    tags: ['returns'],
    body: openBody,
    errors: [409],
    responses: {
      201: { description: 'Opened; Location points at the return', schema: returnView },
      202: { description: 'Queued; Location points at the return', schema: z.object({ id: z.string(), status: z.literal('requested') }) },
    },
    handler: async (_req, res, { body }) => {
      await deps.upstreams.ingestion.get(`/internal/orders/${seg(body.orderId)}`); // 404 for an unknown order
      await assertMayReadOrder(deps, res, body.orderId); // a channel key opens returns of its own orders
      const returnId = randomUUID();
      const outcome = await sendCommand(deps, 'return.open.v1', { returnId, ...body, actor: principalOf(res).actor }, body.orderId);
      res.location(`/v1/returns/${returnId}`);
      if (outcome.status === 'done') res.status(201).json({ id: returnId, status: 'requested', ...(outcome.result as object) });
      else res.status(202).json({ id: returnId, status: 'requested' });
    },
  });

  apiRoute(router, {
    method: 'post',
    path: '/returns/:id/receive',
    summary: 'Record what came back, where and in which condition; the refund follows',
    tags: ['returns'],
    params: returnParams,
    body: receiveBody,
    responses: {
      200: { description: 'Received', schema: returnView },
      202: { description: 'Queued; it will be recorded', schema: z.object({ id: z.string(), status: z.literal('receive_requested') }) },
    },
    handler: async (_req, res, { params, body }) => {
      const returnId = params.id;
      const outcome = await sendCommand(deps, 'return.receive.v1', { returnId, ...body, actor: requireOps(res).actor }, returnId);
      if (outcome.status === 'done') res.json(outcome.result);
      else res.status(202).json({ id: returnId, status: 'receive_requested' });
    },
  });

  apiRoute(router, {
    method: 'get',
    path: '/returns/:id',
    summary: 'One return',
    tags: ['returns'],
    params: returnParams,
    responses: { 200: { description: 'The return', schema: returnView } },
    handler: async (_req, res, { params }) => {
      const found = await deps.upstreams.returns.get<{ orderId: string }>(`/internal/returns/${seg(params.id)}`);
      await assertMayReadOrder(deps, res, found.orderId);
      res.json(found);
    },
  });

  return router;
}
