import type { PaymentCheckDoc } from './payment-check-model';

/** What the gateway sees of a check: no outbox, no bookkeeping of processed messages. */
export function toPaymentCheckView(doc: PaymentCheckDoc) {
  return {
    id: doc._id,
    orderId: doc.orderId,
    amount: doc.amount,
    currency: doc.currency,
    provider: doc.provider,
    method: doc.method,
    flow: doc.flow ?? 'authorize',
    reference: doc.reference,
    status: doc.status,
    ...(doc.authorizationId ? { authorizationId: doc.authorizationId } : {}),
    ...(doc.authorizationExpiresAt ? { authorizationExpiresAt: doc.authorizationExpiresAt } : {}),
    ...(doc.reauthorizationDeclined ? { reauthorizationDeclined: doc.reauthorizationDeclined } : {}),
    ...(doc.reauthorizedFrom
      ? { reauthorizedFrom: doc.reauthorizedFrom, reauthorizedAt: doc.reauthorizedAt && new Date(doc.reauthorizedAt).toISOString() }
      : {}),
    ...(doc.captured !== undefined
      ? { captured: doc.captured, captureId: doc.captureId, capturedAt: doc.capturedAt && new Date(doc.capturedAt).toISOString() }
      : {}),
    ...(doc.declineReason ? { declineReason: doc.declineReason } : {}),
    refunds: (doc.refunds ?? []).map((r) => ({ returnId: r.returnId, amount: r.amount, providerRef: r.providerRef, at: new Date(r.at).toISOString() })),
    ...(doc.received
      ? { received: doc.received.map((r) => ({ reference: r.reference, amount: r.amount, actor: r.actor, at: new Date(r.at).toISOString() })) }
      : {}),
    createdAt: new Date(doc.createdAt).toISOString(),
    ...(doc.voidedAt ? { voidedAt: new Date(doc.voidedAt).toISOString() } : {}),
    ...(doc.screening ? { screening: doc.screening } : {}),
    ...(doc.review ? { review: { ...doc.review, at: new Date(doc.review.at).toISOString() } } : {}),
  };
}
