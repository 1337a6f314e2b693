import type { AggregateStore } from '@oms/outbox';
import type { FulfillmentDoc } from '../data-access/fulfillment-model';
import type { FulfillmentRepository } from '../data-access/fulfillment-repository';

/** What fulfillment's use cases work with: the fulfillment store (the one way to change one) and its reads. */
export interface FulfillmentUseCaseDeps {
  store: AggregateStore<FulfillmentDoc>;
  fulfillments: FulfillmentRepository;
}
