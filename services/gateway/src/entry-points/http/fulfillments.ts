import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { commands, identifier } from '@oms/contracts';
import { express, type Response } from '@oms/http';
import type { GatewayDeps } from '../../application/deps';
import {
  assertMayWorkAt,
  fulfillmentById,
  fulfillmentQueue,
  fulfillmentsOfOrder,
  locationScope,
  packingSlip,
  pickListById,
  pickListPdf,
} from '../../application/fulfillment-queries';
import { apiRoute, pathId } from './api-route';
import { principalOf, requireOps } from './auth';
import { commandRoute } from './command-route';

const fulfillmentParams = z.object({ id: pathId });
const FULFILLMENT_STATUSES = ['open', 'picking', 'packed', 'handed_over', 'ready_for_pickup', 'collected', 'cancelled'] as const;
const listQuery = z
  .object({
    orderId: pathId.optional().describe("An order's fulfillments (ops only); or give locationId for a location's work queue"),
    locationId: identifier.optional().describe('The location whose work queue to list (ops, or a key with location:<id>)'),
    status: z
      .enum(FULFILLMENT_STATUSES)
      .optional()
      .describe('The queue: open (default), picking, packed, handed_over, ready_for_pickup, collected or cancelled'),
    sort: z.enum(['shipBy', '-shipBy']).optional().describe('By ship-by time: shipBy (what must leave first, first; default) or -shipBy'),
    cursor: z.string().min(1).max(1000).optional().describe('nextCursor of the previous page'),
    limit: z.coerce.number().int().min(1).max(200).optional().describe('Page size, 1-200, default 50'),
  })
  .refine((q) => (q.orderId === undefined) !== (q.locationId === undefined), { message: 'give either orderId or locationId', path: ['locationId'] });
const shortPickBody = commands['fulfillment.report-short-pick.v1'].pick({ lines: true });
const pickBody = commands['fulfillment.pick.v1'].pick({ lines: true });
const packBody = commands['fulfillment.pack.v1'].pick({ parcels: true }).strict();
const locationParams = z.object({ locationId: identifier });
const binsBody = commands['fulfillment.set-bins.v1'].pick({ bins: true }).strict();
const collectBody = commands['fulfillment.collect.v1'].pick({ code: true }).strict();
const pickListBody = commands['fulfillment.create-pick-list.v1'].pick({ locationId: true, maxFulfillments: true }).strict();
// Owned by the fulfillment service: documented loosely, its fields are that service's contract.
const fulfillmentView = z.object({ id: z.string(), status: z.string() }).loose().describe('A fulfillment: what one location ships for an order');
const queuePage = z.object({ items: z.array(fulfillmentView), nextCursor: z.string().nullable() });
const pickListView = z
  .object({ id: z.string(), locationId: z.string(), fulfillmentIds: z.array(z.string()) })
  .loose()
  .describe('A pick list: lines by bin and SKU, with the quantity each fulfillment gets');

const sendPdf = (res: Response, pdf: { bytes: Buffer; contentDisposition?: string }) => {
  res.type('application/pdf');
  if (pdf.contentDisposition) res.setHeader('Content-Disposition', pdf.contentDisposition);
  res.send(pdf.bytes);
};

export function fulfillmentsRoutes(deps: GatewayDeps): express.Router {
  const router = express.Router();

  apiRoute(router, {
    method: 'get',
    path: '/fulfillments',
    summary: "A location's work queue (by status, ship-by time, cursor pages), or the fulfillments of an order",
    tags: ['fulfillment'],
    query: listQuery,
    errors: [403],
    responses: {
      200: {
        description:
          'With locationId: one page of the queue ({ items, nextCursor }); pass nextCursor as cursor for the next. With orderId: the array of the order’s fulfillments.',
        schema: z.union([queuePage, z.array(fulfillmentView)]),
      },
    },
    handler: async (_req, res, { query }) => {
      if (query.orderId !== undefined) {
        requireOps(res);
        return void res.json(await fulfillmentsOfOrder(deps, query.orderId));
      }
      const { locationId, status, sort, cursor, limit } = query;
      res.json(await fulfillmentQueue(deps, principalOf(res), { locationId: locationId!, status, sort, cursor, limit }));
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
      res.json(await fulfillmentById(deps, principalOf(res), params.id));
    },
  });

  apiRoute(router, {
    method: 'get',
    path: '/fulfillments/:id/packing-slip',
    summary: 'The packing slip (PDF): address, order and every line to tick off',
    tags: ['fulfillment'],
    params: fulfillmentParams,
    responses: { 200: { description: 'The packing slip', contentType: 'application/pdf' } },
    handler: async (_req, res, { params }) => sendPdf(res, await packingSlip(deps, principalOf(res), params.id)),
  });

  commandRoute(router, deps, {
    method: 'post',
    path: '/pick-lists',
    summary: "A pick list for a wave: the location's open fulfillments by ship-by time (not held orders'), grouped by bin and SKU; they go to picking",
    tags: ['fulfillment'],
    body: pickListBody,
    errors: [403, 409],
    responses: {
      201: { description: 'Created; Location points at it (and /pdf at its printable form)', schema: pickListView },
      202: { description: 'Queued; Location points at the pick list', schema: z.object({ id: z.string(), status: z.literal('requested') }) },
    },
    command: ({ body }, res) => {
      const principal = principalOf(res);
      assertMayWorkAt(principal, body.locationId);
      const pickListId = randomUUID();
      return {
        type: 'fulfillment.create-pick-list.v1',
        data: { pickListId, ...body, actor: principal.actor, ...locationScope(principal) },
        correlationId: pickListId,
      };
    },
    location: ({ pickListId }) => `/v1/pick-lists/${pickListId}`,
    doneStatus: 201,
    pending: ({ pickListId }) => ({ id: pickListId, status: 'requested' }),
  });

  commandRoute(router, deps, {
    method: 'put',
    path: '/locations/:locationId/bins',
    summary: 'Where SKUs are stored at a location (pick lists walk bin by bin): each replaces the SKU’s bin there (ops or the location’s key)',
    tags: ['fulfillment'],
    params: locationParams,
    body: binsBody,
    errors: [403],
    responses: {
      200: { description: 'Set', schema: z.object({ locationId: z.string(), set: z.number().int() }) },
      202: { description: 'Queued; they will be set', schema: z.object({ status: z.literal('accepted') }) },
    },
    command: ({ params, body }, res) => {
      const principal = principalOf(res);
      assertMayWorkAt(principal, params.locationId);
      return {
        type: 'fulfillment.set-bins.v1',
        data: { locationId: params.locationId, bins: body.bins, actor: principal.actor, ...locationScope(principal) },
        correlationId: `bins:${params.locationId}`,
      };
    },
    pending: () => ({ status: 'accepted' }),
  });

  apiRoute(router, {
    method: 'get',
    path: '/pick-lists/:id',
    summary: 'One pick list',
    tags: ['fulfillment'],
    params: fulfillmentParams,
    responses: { 200: { description: 'The pick list', schema: pickListView } },
    handler: async (_req, res, { params }) => void res.json(await pickListById(deps, principalOf(res), params.id)),
  });

  apiRoute(router, {
    method: 'get',
    path: '/pick-lists/:id/pdf',
    summary: 'The pick list, printable (PDF)',
    tags: ['fulfillment'],
    params: fulfillmentParams,
    responses: { 200: { description: 'The pick list', contentType: 'application/pdf' } },
    handler: async (_req, res, { params }) => sendPdf(res, await pickListPdf(deps, principalOf(res), params.id)),
  });

  commandRoute(router, deps, {
    method: 'post',
    path: '/fulfillments/:id/pick',
    summary: 'Report what was found of each line: all of it, or less (a short pick: the count is corrected and the rest sourced elsewhere)',
    tags: ['fulfillment'],
    params: fulfillmentParams,
    body: pickBody,
    errors: [409],
    responses: {
      200: { description: 'The fulfillment with what is left to pack', schema: fulfillmentView },
      202: { description: 'Queued; it will be carried out', schema: z.object({ id: z.string(), status: z.literal('pick_requested') }) },
    },
    command: ({ params, body }, res) => {
      const principal = principalOf(res);
      return {
        type: 'fulfillment.pick.v1',
        data: { fulfillmentId: params.id, lines: body.lines, actor: principal.actor, ...locationScope(principal) },
        correlationId: params.id,
      };
    },
    pending: ({ fulfillmentId }) => ({ id: fulfillmentId, status: 'pick_requested' }),
  });

  commandRoute(router, deps, {
    method: 'post',
    path: '/fulfillments/:id/pack',
    summary: 'Pack a fulfillment, in the parcels given (or one): the shipment is booked with the carrier. Refused while the order is held.',
    tags: ['fulfillment'],
    params: fulfillmentParams,
    body: packBody,
    errors: [409],
    responses: {
      200: { description: 'Packed', schema: fulfillmentView },
      202: { description: 'Packing queued; it will be carried out', schema: z.object({ id: z.string(), status: z.literal('pack_requested') }) },
    },
    command: ({ params, body }, res) => {
      const principal = principalOf(res);
      return {
        type: 'fulfillment.pack.v1',
        data: { fulfillmentId: params.id, ...(body?.parcels ? { parcels: body.parcels } : {}), actor: principal.actor, ...locationScope(principal) },
        correlationId: params.id,
      };
    },
    pending: ({ fulfillmentId }) => ({ id: fulfillmentId, status: 'pack_requested' }),
  });

  commandRoute(router, deps, {
    method: 'post',
    path: '/fulfillments/:id/hand-over',
    summary: 'The packed parcels left with the carrier',
    tags: ['fulfillment'],
    params: fulfillmentParams,
    errors: [409],
    responses: {
      200: { description: 'Handed over', schema: fulfillmentView },
      202: { description: 'Queued; it will be carried out', schema: z.object({ id: z.string(), status: z.literal('hand_over_requested') }) },
    },
    command: ({ params }, res) => {
      const principal = principalOf(res);
      return {
        type: 'fulfillment.hand-over.v1',
        data: { fulfillmentId: params.id, actor: principal.actor, ...locationScope(principal) },
        correlationId: params.id,
      };
    },
    pending: ({ fulfillmentId }) => ({ id: fulfillmentId, status: 'hand_over_requested' }),
  });

  commandRoute(router, deps, {
    method: 'post',
    path: '/fulfillments/:id/ready-for-pickup',
    summary:
      'Click & collect: the goods are ready at the store; a new 6-digit pickup code goes to the customer (in fulfillment.ready-for-pickup.v1, never in this answer). Asked again, a new code replaces the last.',
    tags: ['fulfillment'],
    params: fulfillmentParams,
    errors: [409],
    responses: {
      200: { description: 'Ready for pickup', schema: fulfillmentView },
      202: { description: 'Queued; it will be carried out', schema: z.object({ id: z.string(), status: z.literal('ready_for_pickup_requested') }) },
    },
    command: ({ params }, res) => {
      const principal = principalOf(res);
      return {
        type: 'fulfillment.mark-ready-for-pickup.v1',
        data: { fulfillmentId: params.id, actor: principal.actor, ...locationScope(principal) },
        correlationId: params.id,
      };
    },
    pending: ({ fulfillmentId }) => ({ id: fulfillmentId, status: 'ready_for_pickup_requested' }),
  });

  commandRoute(router, deps, {
    method: 'post',
    path: '/fulfillments/:id/collect',
    summary: 'The customer collects at the store, showing the pickup code: the order is delivered and paid. 10 wrong codes lock it until a new code is issued.',
    tags: ['fulfillment'],
    params: fulfillmentParams,
    body: collectBody,
    errors: [409],
    responses: {
      200: { description: 'Collected', schema: fulfillmentView },
      202: { description: 'Queued; it will be carried out', schema: z.object({ id: z.string(), status: z.literal('collect_requested') }) },
    },
    command: ({ params, body }, res) => {
      const principal = principalOf(res);
      return {
        type: 'fulfillment.collect.v1',
        data: { fulfillmentId: params.id, code: body.code, actor: principal.actor, ...locationScope(principal) },
        correlationId: params.id,
      };
    },
    pending: ({ fulfillmentId }) => ({ id: fulfillmentId, status: 'collect_requested' }),
  });

  commandRoute(router, deps, {
    method: 'post',
    path: '/fulfillments/:id/short-pick',
    summary: 'Report articles missing on the shelf: the count is corrected and the missing units are sourced from another location, or the order is held',
    tags: ['fulfillment'],
    params: fulfillmentParams,
    body: shortPickBody,
    errors: [409],
    responses: {
      200: { description: 'The fulfillment with what is left to pick', schema: fulfillmentView },
      202: { description: 'Queued; it will be carried out', schema: z.object({ id: z.string(), status: z.literal('short_pick_requested') }) },
    },
    command: ({ params, body }, res) => {
      const principal = principalOf(res);
      return {
        type: 'fulfillment.report-short-pick.v1',
        data: { fulfillmentId: params.id, lines: body.lines, actor: principal.actor, ...locationScope(principal) },
        correlationId: params.id,
      };
    },
    pending: ({ fulfillmentId }) => ({ id: fulfillmentId, status: 'short_pick_requested' }),
  });

  return router;
}
