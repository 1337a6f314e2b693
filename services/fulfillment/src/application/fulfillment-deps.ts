import type { Envelope } from '@oms/contracts';
import type { AggregateStore } from '@oms/outbox';
import type { FulfillmentDoc } from '../data-access/fulfillment-model';
import type { FulfillmentRepository } from '../data-access/fulfillment-repository';

/** What fulfillment's use cases work with: the fulfillment store (the one way to change one) and its reads. */
export interface FulfillmentUseCaseDeps {
  store: AggregateStore<FulfillmentDoc>;
  fulfillments: FulfillmentRepository;
}

/**
 * The cause of a change, with the change's events in the order's conversation: the gateway correlates the
 * commands of a warehouse by the fulfillment, while every reader of these events follows the order.
 */
export const inOrderConversation = <M extends Envelope>(msg: M, orderId: string): M => ({ ...msg, correlationId: orderId });
