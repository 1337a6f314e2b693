import { refundFailed } from '../domain/return';
import type { ReturnDoc } from './return-model';

/** What the gateway and command senders see of a return. */
export function toReturnView(r: ReturnDoc) {
  return {
    id: r._id,
    orderId: r.orderId,
    status: r.status,
    lines: r.lines,
    ...(r.refundShipping ? { refundShipping: true } : {}),
    ...(r.reship ? { reship: true } : {}),
    ...(r.receipt
      ? { receipt: { locationId: r.receipt.locationId, lines: r.receipt.lines, at: new Date(r.receipt.at).toISOString(), actor: r.receipt.actor } }
      : {}),
    ...(r.refundAmount !== undefined && r.refundAmount !== null ? { refundAmount: r.refundAmount } : {}),
    // Refunded (also after a refusal and a retry), or failed: the provider refused it (the reason is in
    // `failures`); ops retry it (POST /v1/orders/{id}/returns/{returnId}/retry-refund) or refund another way.
    ...(r.refunded
      ? { refund: 'refunded', refunded: { ...r.refunded, at: new Date(r.refunded.at).toISOString() } }
      : refundFailed(r.failures)
        ? { refund: 'failed' }
        : {}),
    ...(r.failures?.length ? { failures: r.failures.map((f) => ({ ...f, at: new Date(f.at).toISOString() })) } : {}),
    currency: r.currency,
    createdBy: r.createdBy,
    createdAt: new Date(r.createdAt).toISOString(),
  };
}
