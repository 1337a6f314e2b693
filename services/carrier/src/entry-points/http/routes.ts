import type { Model } from 'mongoose';
import { z } from 'zod';
import { notFound, parseOrThrow, unprocessable } from '@oms/errors';
import type { Express, Request, Response } from '@oms/http';
import type { CarrierDoc } from '../../data-access/carrier.model';
import { shipmentView, type ShipmentDoc } from '../../data-access/shipment.model';
import { verifySignature } from '../../domain/signature';
import { renderLabel } from './label';

const verifyBody = z.object({ signature: z.string().max(1000), body: z.string().max(1_000_000) });

/** Queries and checks for the gateway (internal port only). */
export function carrierRoutes(app: Express, deps: { Shipments: Model<ShipmentDoc>; Carriers: Model<CarrierDoc> }): void {
  const { Shipments, Carriers } = deps;
  const findShipment = async (id: string) => {
    const shipment = await Shipments.findById(id, { outbox: 0, processed: 0 }).lean();
    if (!shipment) throw notFound(`Shipment ${id}`);
    return shipment as ShipmentDoc;
  };

  app.get('/internal/shipments', async (req: Request, res: Response) => {
    const orderId = typeof req.query.orderId === 'string' ? req.query.orderId : '';
    if (!orderId) throw unprocessable('orderId is required', [{ path: 'orderId', message: 'required' }]);
    const shipments = await Shipments.find({ orderId }, { outbox: 0, processed: 0 }).sort({ createdAt: 1 }).lean();
    res.json(shipments.map((s) => shipmentView(s as ShipmentDoc)));
  });

  app.get('/internal/shipments/:id', async (req: Request<{ id: string }>, res: Response) => {
    res.json(shipmentView(await findShipment(req.params.id)));
  });

  app.get('/internal/shipments/:id/label', async (req: Request<{ id: string }>, res: Response) => {
    const s = await findShipment(req.params.id);
    const pdf = await renderLabel({
      shipFromLocationId: s.locationId,
      shipTo: s.shippingAddress,
      orderId: s.orderId,
      trackingNumber: s.trackingNumber,
      carrierId: s.carrierId,
      shippingMethod: s.shippingMethod,
    });
    res.type('application/pdf').setHeader('Content-Disposition', `inline; filename="label-${s.trackingNumber}.pdf"`);
    res.send(pdf);
  });

  // The gateway holds the raw webhook body; the secret stays here, so the check is done here.
  app.post('/internal/carriers/:id/verify-signature', async (req: Request<{ id: string }>, res: Response) => {
    const input = parseOrThrow(verifyBody, req.body);
    const carrier = await Carriers.findById(req.params.id, { webhookSecret: 1 }).lean();
    if (!carrier) throw notFound(`Carrier ${req.params.id}`);
    res.json(verifySignature({ header: input.signature, rawBody: input.body, secret: carrier.webhookSecret }));
  });
}
