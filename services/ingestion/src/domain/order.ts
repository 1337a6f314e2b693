import { orderTotals, type CanonicalOrder, type HoldReason, type OrderStatus, type Outgoing, type ShortLineOptions } from '@oms/contracts';
import type { CheckKeys } from './check-keys';

/** `none`: no check is under way for the order as it is now (held before it started, e.g. amount_mismatch). */
export type StockCheck = 'none' | 'pending' | 'reserved' | 'short' | 'backordered' | 'released' | 'consumed';
/** `awaiting`: a prepayment waiting for the customer's transfer; `review`: held by fraud screening for ops to decide. */
export type PaymentCheck = 'none' | 'pending' | 'awaiting' | 'review' | 'approved' | 'captured' | 'declined' | 'voided' | 'refunded';

export interface TimelineEntry {
  at: string;
  type: string;
  service: string;
  status?: OrderStatus;
  actor?: string;
  detail?: string;
}

export interface Hold {
  reason: HoldReason;
  detail: string;
  at: string;
  /** stock_short and customer_decision: what the customer can choose per short line (POST /v1/orders/{id}/decisions). */
  options?: ShortLineOptions[];
  /**
   * customer_decision: the units a short pick could not find anywhere, per SKU; stock_short after a short
   * pick: the units the customer waits for (backordered), still to come.
   */
  missing?: Array<{ sku: string; missing: number }>;
  /** address_invalid: a correction to suggest (the city of the postal code, postal codes of the city). */
  suggestion?: { city?: string; postalCodes?: string[] };
  /** payment_review: the fraud score and the rules that fired. */
  score?: number;
  reasons?: string[];
}

export interface AllocatedLine {
  sku: string;
  quantity: number;
  locationId: string;
}

/** Money the payment services reported for the order, in minor units (absent on orders from before: zeros). */
export interface PaymentAmounts {
  authorized: number;
  captured: number;
  refunded: number;
}

/** The order aggregate as the domain sees it (the store adds the processed message ids and the events it owes). */
export interface OrderState extends CanonicalOrder {
  id: string;
  status: OrderStatus;
  holds: Hold[];
  checks: { stock: StockCheck; payment: PaymentCheck };
  paymentAmounts?: PaymentAmounts;
  /** The keys of the current reservation and payment check (a new one after each change of lines or amount). */
  checkKeys: CheckKeys;
  allocation: AllocatedLine[];
  fulfillments: Array<{
    id: string;
    locationId: string;
    status: 'open' | 'picking' | 'packed' | 'handed_over' | 'ready_for_pickup' | 'collected' | 'cancelled';
  }>;
  /** One per parcel; `parcels`: how many parcels its fulfillment was packed in (absent before parcels: 1). */
  shipments: Array<{ id: string; fulfillmentId?: string; parcels?: number; carrierId?: string; trackingNumber: string; status: string }>;
  /** `refund_failed`: the payment provider refused the refund (command.refused.v1); see the timeline for why. */
  returns: Array<{
    id: string;
    status: 'requested' | 'received' | 'refunded' | 'refund_failed';
    /** What the return refunds (from return.received.v1; absent on returns received before it was kept). */
    refund?: { amount: number; currency: string };
  }>;
  timeline: TimelineEntry[];
  createdAt: string;
}

/** What one step of the order's life changes: fields to set, timeline entries, messages to send. */
export interface OrderChange {
  set: Partial<
    Pick<
      OrderState,
      | 'status'
      | 'holds'
      | 'checks'
      | 'paymentAmounts'
      | 'checkKeys'
      | 'allocation'
      | 'fulfillments'
      | 'shipments'
      | 'returns'
      | 'shippingAddress'
      | 'lines'
      | 'payment'
    >
  >;
  timeline: TimelineEntry[];
  send: Outgoing[];
}

export const noChange = (): OrderChange => ({ set: {}, timeline: [], send: [] });

/** What the payment method must cover, in minor units: the order total less gift cards (orderTotals). */
export function expectedAmount(order: CanonicalOrder): number {
  return orderTotals(order).due;
}

/** The hold detail when the payment does not cover what it must. */
export function amountMismatch(order: CanonicalOrder, amount: number): string {
  const { total, giftCards, due } = orderTotals(order);
  const less = giftCards > 0 ? ` (total ${total} less gift cards ${giftCards})` : '';
  return `payment amount ${amount} does not match the amount due ${due}${less} ${order.currency}`;
}
