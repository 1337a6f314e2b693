import { express } from '@oms/http';
import { z } from 'zod';
import { apiRoute, byOrderQuery, pathId } from './api-route';
import { AppError } from '@oms/errors';
import type { Response } from '@oms/http';
import { channelsOf, isOps, principalOf } from './auth';
import { seg, type GatewayDeps } from './deps';
import { assertMayReadOrder, partnersOf } from './order-access';

type ShipmentView = { id: string; orderId: string; carrierId: string };

/** A partner key sees the shipments of its own carrier; channel keys those of their orders; ops all. */
async function assertMayReadShipment(deps: GatewayDeps, res: Response, shipment: ShipmentView): Promise<void> {
  const principal = principalOf(res);
  if (isOps(principal) || partnersOf(res).includes(shipment.carrierId)) return;
  if (channelsOf(principal).length === 0) throw new AppError(404, 'Not Found', `Shipment ${shipment.id} was not found`);
  await assertMayReadOrder(deps, res, shipment.orderId);
}

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
      const principal = principalOf(res);
      const partners = partnersOf(res);
      const all = () => deps.upstreams.carrier.get<ShipmentView[]>(`/internal/shipments?orderId=${seg(query.orderId)}`);
      // A partner key without ops or channel roles: only its own carrier's shipments of the order.
      if (!isOps(principal) && channelsOf(principal).length === 0 && partners.length > 0) {
        res.json((await all()).filter((s) => partners.includes(s.carrierId)));
        return;
      }
      await assertMayReadOrder(deps, res, query.orderId);
      res.json(await all());
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
      const shipment = await deps.upstreams.carrier.get<ShipmentView>(`/internal/shipments/${seg(params.id)}`);
      await assertMayReadShipment(deps, res, shipment);
      res.json(shipment);
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
      // Ops need no look at the shipment first; other keys may only have their own.
      if (!isOps(principalOf(res))) await assertMayReadShipment(deps, res, await deps.upstreams.carrier.get<ShipmentView>(`/internal/shipments/${seg(params.id)}`));
      const label = await deps.upstreams.carrier.getPdf(`/internal/shipments/${seg(params.id)}/label`);
      res.type('application/pdf');
      if (label.contentDisposition) res.setHeader('Content-Disposition', label.contentDisposition);
      res.send(label.bytes);
    },
  });

  return router;
}
