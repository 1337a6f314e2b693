import { z } from 'zod';
import { parseOrThrow, unprocessable } from '@oms/errors';
import type { Express, Request, Response } from '@oms/http';
import type { CarrierQueries } from '../../application/carrier-queries';
import type { ShipmentQueries } from '../../application/shipment-queries';
import type { SkuAttributeQueries } from '../../application/sku-attribute-queries';
import { renderLabel } from './label';

const verifyBody = z.object({ signature: z.string().max(1000), body: z.string().max(1_000_000) });

/** Queries and checks for the gateway (internal port only). */
export function carrierRoutes(
  app: Express,
  { shipments, carriers, skus }: { shipments: ShipmentQueries; carriers: CarrierQueries; skus: SkuAttributeQueries },
): void {
  app.get('/internal/skus/:sku/attributes', async (req: Request<{ sku: string }>, res: Response) => {
    res.json(await skus.get(req.params.sku));
  });

  app.get('/internal/shipments', async (req: Request, res: Response) => {
    const orderId = typeof req.query.orderId === 'string' ? req.query.orderId : '';
    if (!orderId) throw unprocessable('orderId is required', [{ path: 'orderId', message: 'required' }]);
    res.json(await shipments.ofOrder(orderId));
  });

  app.get('/internal/shipments/:id', async (req: Request<{ id: string }>, res: Response) => {
    res.json(await shipments.get(req.params.id));
  });

  app.get('/internal/shipments/:id/label', async (req: Request<{ id: string }>, res: Response) => {
    const label = await shipments.label(req.params.id);
    const pdf = await renderLabel(label);
    res.type('application/pdf').setHeader('Content-Disposition', `inline; filename="label-${label.trackingNumber}.pdf"`);
    res.send(pdf);
  });

  app.get('/internal/carriers', async (_req: Request, res: Response) => {
    res.json(await carriers.list());
  });

  app.get('/internal/carriers/:id', async (req: Request<{ id: string }>, res: Response) => {
    res.json(await carriers.get(req.params.id));
  });

  app.post('/internal/carriers/:id/verify-signature', async (req: Request<{ id: string }>, res: Response) => {
    const input = parseOrThrow(verifyBody, req.body);
    res.json(await carriers.verifySignature(req.params.id, input.signature, input.body));
  });
}
