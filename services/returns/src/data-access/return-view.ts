import type { ReturnDoc } from './return-model';

/** What the gateway and command senders see of a return. */
export function toReturnView(r: ReturnDoc) {
  return {
    id: r._id,
    orderId: r.orderId,
    status: r.status,
    lines: r.lines,
    ...(r.receipt
      ? { receipt: { locationId: r.receipt.locationId, lines: r.receipt.lines, at: new Date(r.receipt.at).toISOString(), actor: r.receipt.actor } }
      : {}),
    ...(r.refundAmount !== undefined && r.refundAmount !== null ? { refundAmount: r.refundAmount } : {}),
    currency: r.currency,
    createdBy: r.createdBy,
    createdAt: new Date(r.createdAt).toISOString(),
  };
}
