import { z } from 'zod';
import { parseOrThrow } from '@oms/errors';
import type { Express } from '@oms/http';
import type { PaymentQueries } from '../../application/payment-queries';

const paymentsQuery = z.object({ orderId: z.string().min(1).max(200) });

/** Queries for the gateway. */
export function paymentRoutes(queries: PaymentQueries) {
  return (app: Express) => {
    app.get('/internal/payments', async (req, res) => {
      const { orderId } = parseOrThrow(paymentsQuery, req.query, 'query');
      res.json(await queries.ofOrder(orderId));
    });
  };
}
