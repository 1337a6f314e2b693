import { z } from 'zod';
import { identifier, TRACKING_STATUSES } from '@oms/contracts';
import { parseOrThrow, unprocessable } from '@oms/errors';
import type { Express, Request, Response } from '@oms/http';
import { decodeTimeCursor } from '@oms/mongo';
import type { CarrierQueries } from '../../application/carrier-queries';
import type { PartnerQueries } from '../../application/partner-queries';
import type { ShipmentQueries } from '../../application/shipment-queries';
import type { SkuAttributeQueries } from '../../application/sku-attribute-queries';
import { renderLabel } from './label';

const verifyBody = z.object({ signature: z.string().max(1000), body: z.string().max(1_000_000) });
const listQuery = z.union([
  z.strictObject({ orderId: z.string().min(1).max(200) }),
  z.strictObject({
    carrierId: identifier,
    status: z.enum(['booked', ...TRACKING_STATUSES]).optional(),
    updatedSince: z.iso.datetime({ offset: true }).optional(),
    cursor: z.string().min(1).max(1000).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  }),
]);

/** Queries and checks for the gateway (internal port only). */
export function carrierRoutes(
  app: Express,
  { shipments, carriers, skus, partners }: { shipments: ShipmentQueries; carriers: CarrierQueries; skus: SkuAttributeQueries; partners: PartnerQueries },
): void {
  app.get('/internal/skus/:sku/attributes', async (req: Request<{ sku: string }>, res: Response) => {
    res.json(await skus.get(req.params.sku));
  });

  /** An order's shipments (an array), or one page of a carrier's by their last change ({ items, nextCursor }). */
  app.get('/internal/shipments', async (req: Request, res: Response) => {
    const q = parseOrThrow(listQuery, req.query, 'query');
    if ('orderId' in q) return void res.json(await shipments.ofOrder(q.orderId));
    const after = q.cursor === undefined ? undefined : decodeTimeCursor(q.cursor);
    if (q.cursor !== undefined && !after) throw unprocessable('The query string is invalid', [{ path: 'cursor', message: 'is not a cursor from this list' }]);
    res.json(
      await shipments.ofCarrier({
        carrierId: q.carrierId,
        status: q.status,
        updatedSince: q.updatedSince ? new Date(q.updatedSince) : undefined,
        after,
        limit: q.limit,
      }),
    );
  });

  app.get('/internal/partners/:id', async (req: Request<{ id: string }>, res: Response) => {
    res.json(await partners.get(req.params.id));
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
