import { z } from 'zod';
import { express } from '@oms/http';
import type { GatewayDeps } from '../../application/deps';
import { shipmentById, shipmentLabel, shipmentsOfOrder } from '../../application/shipment-queries';
import { apiRoute, byOrderQuery, pathId } from './api-route';
import { principalOf } from './auth';

const shipmentParams = z.object({ id: pathId });
// Owned by the carrier service: documented loosely, its fields are that service's contract.
const shipmentView = z.object({ id: z.string() }).loose().describe('A shipment booked with a carrier, with its tracking');

export function shipmentsRoutes(deps: GatewayDeps): express.Router {
  const router = express.Router();

  apiRoute(router, {
    method: 'get',
    path: '/shipments',
    summary: 'The shipments of an order',
    tags: ['shipping'],
    query: byOrderQuery,
    responses: { 200: { description: 'The shipments of the order', schema: z.array(shipmentView) } },
    handler: async (_req, res, { query }) => {
      res.json(await shipmentsOfOrder(deps, principalOf(res), query.orderId));
    },
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
