import { z } from 'zod';
import { parseOrThrow, unprocessable } from '@oms/errors';
import type { Express, Request, Response } from '@oms/http';
import { decodeTimeCursor } from '@oms/mongo';
import type { ReturnQueries } from '../../application/return-queries';

const listQuery = z.union([
  z.strictObject({ orderId: z.string().min(1).max(200) }),
  z.strictObject({
    status: z.enum(['requested', 'received']).optional(),
    cursor: z.string().min(1).max(1000).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  }),
]);

/** Queries for the gateway (internal port only). */
export function returnRoutes(app: Express, returns: ReturnQueries): void {
  // With orderId: the order's returns (an array); without: a page of every return, newest first.
  app.get('/internal/returns', async (req: Request, res: Response) => {
    const q = parseOrThrow(listQuery, req.query, 'query');
    if ('orderId' in q) return void res.json(await returns.ofOrder(q.orderId));
    const after = q.cursor === undefined ? undefined : decodeTimeCursor(q.cursor);
    if (q.cursor !== undefined && !after) throw unprocessable('The query string is invalid', [{ path: 'cursor', message: 'is not a cursor from this list' }]);
    res.json(await returns.list({ status: q.status, after, limit: q.limit }));
  });

  app.get('/internal/returns/:id', async (req: Request<{ id: string }>, res: Response) => {
    res.json(await returns.get(req.params.id));
  });
}
