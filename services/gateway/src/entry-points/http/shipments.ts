import { z } from 'zod';
import { commands, identifier, TRACKING_STATUSES } from '@oms/contracts';
import { express } from '@oms/http';
import type { GatewayDeps } from '../../application/deps';
import { carrierShipments, partnerScope, partnerTrackingCommand, shipmentById, shipmentLabel, shipmentsOfOrder } from '../../application/shipment-queries';
import { apiRoute, pathId } from './api-route';
import { principalOf, requireOps } from './auth';
import { commandRoute } from './command-route';

const shipmentParams = z.object({ id: pathId });
// Owned by the carrier service: documented loosely, its fields are that service's contract.
const shipmentView = z.object({ id: z.string() }).loose().describe('A shipment booked with a carrier, with its tracking');
const shipmentPage = z.object({ items: z.array(shipmentView), nextCursor: z.string().nullable() });
const listQuery = z
  .object({
    orderId: pathId.optional().describe("An order's shipments (an array); or leave it out for a carrier's shipments in pages"),
    carrierId: identifier.optional().describe("The carrier whose shipments to list (ops; a partner key's own carrier when it has several partner roles)"),
    status: z
      .enum(['booked', ...TRACKING_STATUSES])
      .optional()
      .describe('Only shipments in this status'),
    updatedSince: z.iso
      .datetime({ offset: true })
      .optional()
      .describe('Only shipments changed (booked, scanned, handed over) at or after this time, e.g. the time of the last sync'),
    cursor: z.string().min(1).max(1000).optional().describe('nextCursor of the previous page'),
    limit: z.coerce.number().int().min(1).max(200).optional().describe('Page size, 1-200, default 50'),
  })
  .refine((q) => q.orderId === undefined || [q.carrierId, q.status, q.updatedSince, q.cursor, q.limit].every((v) => v === undefined), {
    message: 'orderId lists one order’s shipments and takes no other parameter',
    path: ['orderId'],
  });
const cancelBody = commands['shipment.cancel.v1'].pick({ reason: true, excludeCarrier: true }).strict();
const handoverBody = commands['shipment.hand-over.v1'].pick({ occurredAt: true }).strict().default({});
const trackingBody = commands['shipment.record-tracking.v1'].pick({ status: true, occurredAt: true, location: true }).strict();

export function shipmentsRoutes(deps: GatewayDeps): express.Router {
  const router = express.Router();

  apiRoute(router, {
    method: 'get',
    path: '/shipments',
    summary: "The shipments of an order, or a carrier's (a 3PL partner's own) by their last change",
    tags: ['shipping'],
    query: listQuery,
    errors: [403],
    responses: {
      200: {
        description:
          'With orderId: the array of the order’s shipments. Otherwise one page of the carrier’s shipments, oldest change first ({ items, nextCursor }); pass nextCursor as cursor for the next page. A page may hold fewer than limit shipments while nextCursor is not null (the list reads day by day within a time budget); null means there is nothing more',
        schema: z.union([shipmentPage, z.array(shipmentView)]),
      },
    },
    handler: async (_req, res, { query }) => {
      const { orderId, ...list } = query;
      if (orderId !== undefined) return void res.json(await shipmentsOfOrder(deps, principalOf(res), orderId));
      res.json(await carrierShipments(deps, principalOf(res), list));
    },
  });

  commandRoute(router, deps, {
    method: 'post',
    path: '/shipments/:id/handover',
    summary: 'The carrier (3PL partner) took the parcel: recorded once on the shipment, on the order’s timeline and in the partner’s events',
    tags: ['shipping'],
    params: shipmentParams,
    body: handoverBody,
    responses: {
      200: { description: 'Handed over (also when it was before: the first handover stays)', schema: shipmentView },
      202: { description: 'Queued; it will be recorded', schema: z.object({ id: z.string(), status: z.literal('handover_requested') }) },
    },
    command: ({ params, body }, res) => {
      const principal = principalOf(res);
      return {
        type: 'shipment.hand-over.v1',
        data: { shipmentId: params.id, ...(body.occurredAt ? { occurredAt: body.occurredAt } : {}), actor: principal.actor, ...partnerScope(principal) },
        correlationId: params.id,
      };
    },
    pending: ({ shipmentId }) => ({ id: shipmentId, status: 'handover_requested' }),
  });

  commandRoute(router, deps, {
    method: 'post',
    path: '/shipments/:id/tracking',
    summary:
      'A tracking scan of one of the partner’s own shipments, recorded with its key (the alternative to the signed carrier webhook): out-of-order and repeated scans never move the parcel back',
    tags: ['shipping'],
    params: shipmentParams,
    body: trackingBody,
    errors: [403],
    responses: {
      200: { description: 'Recorded', schema: shipmentView },
      202: { description: 'Accepted; it will be recorded', schema: z.object({ trackingNumber: z.string(), status: z.literal('accepted') }) },
    },
    command: ({ params, body }, res) => partnerTrackingCommand(deps, principalOf(res), params.id, body),
    pending: ({ trackingNumber }) => ({ trackingNumber, status: 'accepted' }),
  });

  commandRoute(router, deps, {
    method: 'post',
    path: '/shipments/:id/cancel',
    summary: 'Void a parcel’s label before it leaves and book it again in its place (ops); excludeCarrier books it with another carrier',
    tags: ['shipping'],
    params: shipmentParams,
    body: cancelBody,
    errors: [409],
    responses: {
      200: { description: 'Voided, and the replacement booked', schema: z.object({ cancelled: shipmentView, replacement: z.object({}).loose() }) },
      202: { description: 'Queued; it will be carried out', schema: z.object({ id: z.string(), status: z.literal('cancel_requested') }) },
    },
    command: ({ params, body }, res) => ({
      type: 'shipment.cancel.v1',
      data: { shipmentId: params.id, ...body, actor: requireOps(res).actor },
      correlationId: params.id,
    }),
    pending: ({ shipmentId }) => ({ id: shipmentId, status: 'cancel_requested' }),
  });

  apiRoute(router, {
    method: 'get',
    path: '/shipments/:id',
    summary: 'One shipment with its tracking events',
    tags: ['shipping'],
    params: shipmentParams,
    responses: { 200: { description: 'The shipment', schema: shipmentView } },
    handler: async (_req, res, { params }) => {
      res.json(await shipmentById(deps, principalOf(res), params.id));
    },
  });

  apiRoute(router, {
    method: 'get',
    path: '/shipments/:id/label',
    summary: 'The shipping label (PDF)',
    tags: ['shipping'],
    params: shipmentParams,
    responses: { 200: { description: 'The label', contentType: 'application/pdf' } },
    handler: async (_req, res, { params }) => {
      const label = await shipmentLabel(deps, principalOf(res), params.id);
      res.type('application/pdf');
      if (label.contentDisposition) res.setHeader('Content-Disposition', label.contentDisposition);
      res.send(label.bytes);
    },
  });

  return router;
}
