import { z } from 'zod';
import { commands } from '@oms/contracts';
import { express } from '@oms/http';
import type { GatewayDeps } from '../../application/deps';
import { openReturnCommand } from '../../application/open-return';
import { receiveReturnCommand } from '../../application/receive-return';
import { returnById, returnList } from '../../application/return-queries';
import { apiRoute, pathId } from './api-route';
import { principalOf, requireOps } from './auth';
import { commandRoute } from './command-route';

const openBody = commands['return.open.v1'].pick({ orderId: true, lines: true, refundShipping: true });
const receiveBody = commands['return.receive.v1'].pick({ locationId: true, lines: true });
const returnParams = z.object({ id: pathId });
// Owned by the returns service: documented loosely, its fields are that service's contract.
const returnView = z
  .object({ id: z.string(), status: z.string() })
  .loose()
  .describe('A return with its lines, receipt and refund amount; `failures` lists its refund or restock if refused (`refund: "failed"`)');
const listQuery = z.strictObject({
  status: z.enum(['requested', 'received']).optional().describe('requested: the goods are on their way back; received: they arrived (and were inspected)'),
  cursor: z.string().min(1).max(1000).optional().describe('nextCursor of the previous page'),
  limit: z.coerce.number().int().min(1).max(200).optional().describe('Page size, 1-200, default 50'),
});
const returnPage = z.object({ items: z.array(returnView), nextCursor: z.string().nullable() });

export function returnsRoutes(deps: GatewayDeps): express.Router {
  const router = express.Router();

  commandRoute(router, deps, {
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
    command: ({ body }, res) => openReturnCommand(deps, principalOf(res), body),
    location: ({ returnId }) => `/v1/returns/${returnId}`,
    doneStatus: 201,
    done: (result, { returnId }) => ({ id: returnId, status: 'requested', ...(result as object) }),
    pending: ({ returnId }) => ({ id: returnId, status: 'requested' }),
  });

  commandRoute(router, deps, {
    method: 'post',
    path: '/returns/:id/receive',
    summary: 'Record what came back, where and in which condition; the refund follows',
    tags: ['returns'],
    params: returnParams,
    body: receiveBody,
    responses: {
      200: {
        description:
          'Received. The location must be one inventory knows (PUT /v1/locations/{id}): an unknown one is a 422 and nothing is recorded. ' +
          'The restock and the refund follow without waiting; one that is refused shows on the return under `failures` ' +
          '(`refund: "failed"` for the refund) and on the order as a `command_refused` step.',
        schema: returnView,
      },
      202: { description: 'Queued; it will be recorded', schema: z.object({ id: z.string(), status: z.literal('receive_requested') }) },
    },
    command: ({ params, body }, res) => receiveReturnCommand(deps, requireOps(res), params.id, body),
    pending: ({ returnId }) => ({ id: returnId, status: 'receive_requested' }),
  });

  apiRoute(router, {
    method: 'get',
    path: '/returns',
    summary: 'Every return, newest first, by status (ops only)',
    tags: ['returns'],
    query: listQuery,
    errors: [403],
    responses: {
      200: {
        description:
          'One page ({ items, nextCursor }); pass nextCursor as cursor for the next. A page may hold fewer than `limit` returns while nextCursor is not null ' +
          '(the list reads its history a time slice per query and answers within half a second); null means there is nothing more.',
        schema: returnPage,
      },
    },
    handler: async (_req, res, { query }) => {
      requireOps(res);
      res.json(await returnList(deps, query));
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
      res.json(await returnById(deps, principalOf(res), params.id));
    },
  });

  return router;
}
