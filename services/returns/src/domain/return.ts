import { Refusal } from '@oms/errors';
import { checkReceipt, checkReturnRequest, type OrderedLine, type SkuQuantity } from './return-lines';

export type ReturnStatus = 'requested' | 'received';
export type ItemCondition = 'resellable' | 'damaged';

export interface ReturnLine extends SkuQuantity {
  reason: string;
}

export interface ReceivedLine extends SkuQuantity {
  condition: ItemCondition;
}

export interface Receipt {
  locationId: string;
  lines: ReceivedLine[];
  at: Date;
  actor: string;
}

/**
 * A command about the return that another service refused (command.refused.v1): `payment.refund.v1` means
 * the customer was not refunded, `stock.restock.v1` that the goods are not back in stock. For ops to act on.
 */
export interface ReturnFailure {
  command: string;
  status: number;
  detail: string;
  at: Date;
}

export function failureOf(refusal: { command: string; status: number; detail: string }, at: Date): ReturnFailure {
  return { command: refusal.command, status: refusal.status, detail: refusal.detail, at };
}

/** The refund of the return was refused (any version of the refund command): the customer has not been paid back. */
export const refundFailed = (failures: ReturnFailure[] = []): boolean => failures.some((f) => /^payment\.refund\.v\d+$/.test(f.command));

/** What returns knows of a delivered order (from order.delivered.v1): returns are opened against it. */
export interface DeliveredOrder {
  channel: string;
  currency: string;
  lines: OrderedLine[];
  /** Refundable with one of its returns (absent on orders delivered before it was recorded: nothing). */
  shippingPaid?: number;
  deliveredAt: Date;
}

/** A return asked for again under its id is the same request, answered as it is; another order's return id is refused. */
export function checkReopen(existing: { orderId: string }, returnId: string, orderId: string): void {
  if (existing.orderId !== orderId) throw new Refusal('conflict', `return ${returnId} already exists for another order`);
}

/** A return is opened for a delivered order, for no more than is left to return of it (earlier returns count). */
export function checkOpen(
  order: DeliveredOrder | null,
  earlierRequests: SkuQuantity[],
  requested: SkuQuantity[],
  shipping: { requested: boolean; refundedBy?: string } = { requested: false },
): asserts order is DeliveredOrder {
  if (!order) throw new Refusal('conflict', 'order is not delivered');
  if (shipping.requested && shipping.refundedBy)
    throw new Refusal('conflict', `the shipping of this order is refunded with return ${shipping.refundedBy} already`);
  const errors = checkReturnRequest(order.lines, earlierRequests, requested);
  if (errors.length > 0) throw new Refusal('invalid', 'The return asks for items that cannot be returned', errors);
}

export type ReceiveDecision = { kind: 'receive' } | { kind: 'already-received' };

/** A return is received once, and its receipt holds only what the return asked for. */
export function decideReceive(ret: { status: ReturnStatus; lines: SkuQuantity[] }, received: SkuQuantity[]): ReceiveDecision {
  if (ret.status === 'received') return { kind: 'already-received' };
  const errors = checkReceipt(ret.lines, received);
  if (errors.length > 0) throw new Refusal('invalid', 'The receipt does not match the return', errors);
  return { kind: 'receive' };
}
