import type { Model } from 'mongoose';
import { notFound, unprocessable } from '@oms/errors';
import type { Express, Request, Response } from '@oms/http';
import { returnView, type ReturnDoc } from '../../data-access/return.model';

const HIDDEN = { outbox: 0, processed: 0 } as const;

/** Queries for the gateway (internal port only). */
export function returnsRoutes(app: Express, Returns: Model<ReturnDoc>): void {
  app.get('/internal/returns', async (req: Request, res: Response) => {
    const orderId = typeof req.query.orderId === 'string' ? req.query.orderId : '';
    if (!orderId) throw unprocessable('orderId is required', [{ path: 'orderId', message: 'required' }]);
    const returns = await Returns.find({ orderId }, HIDDEN).sort({ createdAt: 1 }).lean();
    res.json(returns.map((r) => returnView(r as ReturnDoc)));
  });

  app.get('/internal/returns/:id', async (req: Request<{ id: string }>, res: Response) => {
    const ret = await Returns.findById(req.params.id, HIDDEN).lean();
    if (!ret) throw notFound(`Return ${req.params.id}`);
    res.json(returnView(ret as ReturnDoc));
  });
}
