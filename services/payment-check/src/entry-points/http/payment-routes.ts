import { z } from 'zod';
import { parseOrThrow } from '@oms/errors';
import type { Express } from '@oms/http';
import type { PaymentCheckDoc, PaymentCheckModel } from '../../data-access/payment-check-model';

const paymentsQuery = z.object({ orderId: z.string().min(1).max(200) });

/** What the gateway sees of a check: no outbox, no bookkeeping of processed messages. */
export function toPaymentCheckView(doc: PaymentCheckDoc) {
  return {
    id: doc._id,
    orderId: doc.orderId,
    amount: doc.amount,
    currency: doc.currency,
    provider: doc.provider,
    method: doc.method,
    reference: doc.reference,
    status: doc.status,
    ...(doc.authorizationId ? { authorizationId: doc.authorizationId } : {}),
    ...(doc.declineReason ? { declineReason: doc.declineReason } : {}),
    refunds: (doc.refunds ?? []).map((r) => ({ returnId: r.returnId, amount: r.amount, providerRef: r.providerRef, at: new Date(r.at).toISOString() })),
    createdAt: new Date(doc.createdAt).toISOString(),
    ...(doc.voidedAt ? { voidedAt: new Date(doc.voidedAt).toISOString() } : {}),
  };
}

export function paymentRoutes(checks: PaymentCheckModel) {
  return (app: Express) => {
    app.get('/internal/payments', async (req, res) => {
      const { orderId } = parseOrThrow(paymentsQuery, req.query, 'query');
      const docs = await checks.find({ orderId }, { outbox: 0, processed: 0 }).lean<PaymentCheckDoc[]>();
      res.json(docs.map(toPaymentCheckView));
    });
  };
}
