import { z } from 'zod';
import { identifier } from '@oms/contracts';
import { parseOrThrow, unprocessable } from '@oms/errors';
import type { Express, Response } from '@oms/http';
import { decodeTimeCursor } from '@oms/mongo';
import type { FulfillmentQueries } from '../../application/fulfillment-queries';
import { FULFILLMENT_STATUSES } from '../../domain/fulfillment';
import { renderPackingSlip, renderPickList } from './documents';

const listQuery = z.union([
  z.strictObject({ orderId: z.string().min(1).max(200) }),
  z.strictObject({
    locationId: identifier,
    status: z.enum(FULFILLMENT_STATUSES).default('open'),
    sort: z.enum(['shipBy', '-shipBy']).default('shipBy'),
    cursor: z.string().min(1).max(1000).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  }),
]);

function sendPdf(res: Response, name: string, bytes: Buffer): void {
  res.type('application/pdf').setHeader('Content-Disposition', `inline; filename="${name}.pdf"`);
  res.send(bytes);
}

/** Queries for the gateway. */
export function fulfillmentRoutes(queries: FulfillmentQueries) {
  return (app: Express) => {
    app.get('/internal/fulfillments', async (req, res) => {
      const q = parseOrThrow(listQuery, req.query, 'query');
      if ('orderId' in q) return void res.json(await queries.ofOrder(q.orderId));
      const after = q.cursor === undefined ? undefined : decodeTimeCursor(q.cursor);
      if (q.cursor !== undefined && !after) throw unprocessable('The query string is invalid', [{ path: 'cursor', message: 'is not a cursor from this list' }]);
      res.json(await queries.queue({ locationId: q.locationId, status: q.status, sort: q.sort === 'shipBy' ? 'asc' : 'desc', limit: q.limit, after }));
    });

    app.get('/internal/fulfillments/:id', async (req, res) => {
      res.json(await queries.get(req.params.id));
    });

    app.get('/internal/fulfillments/:id/packing-slip', async (req, res) => {
      const f = await queries.get(req.params.id);
      sendPdf(res, `packing-slip-${f.id}`, await renderPackingSlip(f));
    });

    app.get('/internal/pick-lists/:id', async (req, res) => {
      res.json(await queries.pickList(req.params.id));
    });

    app.get('/internal/pick-lists/:id/pdf', async (req, res) => {
      const list = await queries.pickList(req.params.id);
      sendPdf(res, `pick-list-${list.id}`, await renderPickList(list));
    });
  };
}
