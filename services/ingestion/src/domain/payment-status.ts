import { orderTotals, paymentFlowOf, type PricedOrder } from '@oms/contracts';
import type { OrderState, PaymentAmounts } from './order';

/** What clients see as the payment's status (GET /v1/orders/{id} → payment.status). */
export type PaymentStatus =
  'pending' | 'authorized' | 'captured' | 'partially_refunded' | 'refunded' | 'voided' | 'declined' | 'in_review' | 'awaiting_payment';

export const NO_PAYMENT_AMOUNTS: PaymentAmounts = { authorized: 0, captured: 0, refunded: 0 };

/** The amounts reported for the order's payment; none yet (or an order stored before they were kept): zeros. */
export const paymentAmountsOf = (order: Pick<OrderState, 'paymentAmounts'>): PaymentAmounts => order.paymentAmounts ?? NO_PAYMENT_AMOUNTS;

/**
 * The payment's status from the order's check and the amounts reported to it. An invoice or cash-on-delivery
 * payment the check approved is still to be paid (`pending`, outstanding); a marketplace payment was taken by
 * the channel (`captured`).
 */
export function paymentStatusOf(order: Pick<OrderState, 'checks' | 'payment'>, amounts: PaymentAmounts): PaymentStatus {
  const check = order.checks.payment;
  if (amounts.refunded > 0) return amounts.refunded >= amounts.captured ? 'refunded' : 'partially_refunded';
  switch (check) {
    case 'approved': {
      const flow = paymentFlowOf(order.payment.method);
      if (flow === 'invoice') return 'pending';
      return flow === 'channel' || flow === 'prepayment' || amounts.captured > 0 ? 'captured' : 'authorized';
    }
    case 'awaiting':
      return 'awaiting_payment';
    case 'review':
      return 'in_review';
    case 'captured':
      return 'captured';
    case 'declined':
      return 'declined';
    case 'voided':
      return 'voided';
    case 'refunded':
      return 'refunded';
    default:
      return 'pending';
  }
}

/** The order's totals with what was paid: paid = gift cards + captured; outstanding = what is still to collect. */
export function totalsWithPayments(order: PricedOrder, amounts: PaymentAmounts) {
  const totals = orderTotals(order);
  const paid = totals.giftCards + amounts.captured;
  return { ...totals, paid, captured: amounts.captured, refunded: amounts.refunded, outstanding: Math.max(0, totals.total - paid) };
}
