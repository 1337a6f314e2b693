import { z } from 'zod';
import { BLOCKLIST_KINDS } from '@oms/contracts';
import { parseOrThrow } from '@oms/errors';
import type { Express } from '@oms/http';
import type { FraudQueries } from '../../application/fraud-settings';
import type { PaymentQueries } from '../../application/payment-queries';

const paymentsQuery = z.object({ orderId: z.string().min(1).max(200) });
const blocklistParams = z.object({ kind: z.enum(BLOCKLIST_KINDS), value: z.string().min(1).max(300) });
const blocklistQuery = z.object({
  kind: z.enum(BLOCKLIST_KINDS),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(400).optional(),
});

/** Queries for the gateway. */
export function paymentRoutes(queries: PaymentQueries, fraud: FraudQueries) {
  return (app: Express) => {
    app.get('/internal/payments', async (req, res) => {
      const { orderId } = parseOrThrow(paymentsQuery, req.query, 'query');
      res.json(await queries.ofOrder(orderId));
    });
    app.get('/internal/fraud/rules', async (_req, res) => {
      res.json(await fraud.rules());
    });
    app.get('/internal/fraud/blocklist', async (req, res) => {
      const { kind, limit, cursor } = parseOrThrow(blocklistQuery, req.query, 'query');
      res.json(await fraud.list(kind, limit, cursor));
    });
    app.get('/internal/fraud/blocklist/:kind/:value', async (req, res) => {
      const { kind, value } = parseOrThrow(blocklistParams, req.params, 'path');
      res.json(await fraud.entry(kind, value));
    });
  };
}
