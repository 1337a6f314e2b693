import type { PaymentCheckDoc, PaymentCheckModel } from './payment-check-model';

/** The store's bookkeeping, which no reader needs. */
const HIDDEN = { outbox: 0, processed: 0, sent: 0 } as const;

/** The reads of payment checks; every change goes through the checks' AggregateStore. */
export class PaymentCheckRepository {
  constructor(readonly model: PaymentCheckModel) {}

  ofOrder(orderId: string): Promise<PaymentCheckDoc[]> {
    return this.model.find({ orderId }, HIDDEN).lean<PaymentCheckDoc[]>().exec();
  }

  /** Approved checks whose authorization expires on `day` (YYYY-MM-DD): ids and expiry, for the re-authorization sweep. */
  async approvedExpiringOn(day: string): Promise<Array<Pick<PaymentCheckDoc, 'orderId' | 'authorizationExpiresAt' | 'reauthorizationDeclined'>>> {
    return this.model.find({ authExpiresDay: day, status: 'approved' }, { orderId: 1, authorizationExpiresAt: 1, reauthorizationDeclined: 1 }).lean().exec();
  }

  /**
   * The customer's earlier checks (by the hash of their email), at most `limit`: an equality the store
   * answers from the customerKey index, so the cost grows with one customer's orders, not with all orders.
   */
  async ofCustomer(
    customerKey: string,
    limit: number,
  ): Promise<Array<Pick<PaymentCheckDoc, '_id' | 'amount' | 'orderTotal' | 'currency' | 'addressKey' | 'status'>>> {
    return this.model.find({ customerKey }, { amount: 1, orderTotal: 1, currency: 1, addressKey: 1, status: 1 }).limit(limit).lean().exec();
  }
}
