import { unprocessable } from '@oms/errors';
import type { Express, Request, Response } from '@oms/http';
import type { ReturnQueries } from '../../application/return-queries';

/** Queries for the gateway (internal port only). */
export function returnRoutes(app: Express, returns: ReturnQueries): void {
  app.get('/internal/returns', async (req: Request, res: Response) => {
    const orderId = typeof req.query.orderId === 'string' ? req.query.orderId : '';
    if (!orderId) throw unprocessable('orderId is required', [{ path: 'orderId', message: 'required' }]);
    res.json(await returns.ofOrder(orderId));
  });

  app.get('/internal/returns/:id', async (req: Request<{ id: string }>, res: Response) => {
    res.json(await returns.get(req.params.id));
  });
}
