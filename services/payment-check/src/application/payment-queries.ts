import type { PaymentCheckRepository } from '../data-access/payment-check-repository';
import { toPaymentCheckView } from '../data-access/payment-check-view';

/** What the gateway asks about payments. */
export function paymentQueries(checks: PaymentCheckRepository) {
  return {
    /** An order's payment checks (one per order). */
    async ofOrder(orderId: string) {
      return (await checks.ofOrder(orderId)).map(toPaymentCheckView);
    },
  };
}

export type PaymentQueries = ReturnType<typeof paymentQueries>;
