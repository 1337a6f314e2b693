import type { PaymentCheckDoc, PaymentCheckModel } from './payment-check-model';

/** The store's bookkeeping, which no reader needs. */
const HIDDEN = { outbox: 0, processed: 0, sent: 0 } as const;

/** The reads of payment checks; every change goes through the checks' AggregateStore. */
export class PaymentCheckRepository {
  constructor(readonly model: PaymentCheckModel) {}

  ofOrder(orderId: string): Promise<PaymentCheckDoc[]> {
    return this.model.find({ orderId }, HIDDEN).lean<PaymentCheckDoc[]>().exec();
  }
}
