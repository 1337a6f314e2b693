import type { Envelope } from '@oms/contracts';
import type { AggregateStore } from '@oms/outbox';
import type { PaymentCheckDoc } from '../data-access/payment-check-model';
import type { PaymentProvider } from '../data-access/payment-provider';

/** What payment-check's use cases work with: the store of checks (the one way to change one) and the provider. */
export interface PaymentUseCaseDeps {
  store: AggregateStore<PaymentCheckDoc>;
  provider: PaymentProvider;
}

/** The cause of a change, with the change's events in the order's conversation, whatever the command was correlated with. */
export const inOrderConversation = <M extends Envelope>(msg: M, orderId: string): M => ({ ...msg, correlationId: orderId });
