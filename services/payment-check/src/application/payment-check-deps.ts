import type { AggregateStore } from '@oms/outbox';
import type { PaymentCheckDoc } from '../data-access/payment-check-model';
import type { PaymentProvider } from '../data-access/payment-provider';

/** What payment-check's use cases work with: the store of checks (the one way to change one) and the provider. */
export interface PaymentUseCaseDeps {
  store: AggregateStore<PaymentCheckDoc>;
  provider: PaymentProvider;
}
