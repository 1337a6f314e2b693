import type { AggregateStore } from '@oms/outbox';
import type { PaymentCheckDoc } from '../data-access/payment-check-model';
import type { PaymentProvider } from '../data-access/payment-provider';
import type { ScreeningDeps } from './screen-order';

/** What payment-check's use cases work with: the store of checks (the one way to change one), the provider and fraud screening. */
export interface PaymentUseCaseDeps {
  store: AggregateStore<PaymentCheckDoc>;
  provider: PaymentProvider;
  screening: ScreeningDeps;
}
