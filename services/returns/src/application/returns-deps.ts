import type { Envelope } from '@oms/contracts';
import type { AggregateStore } from '@oms/outbox';
import type { DeliveredOrderRepository } from '../data-access/delivered-order-repository';
import type { ReturnDoc } from '../data-access/return-model';
import type { ReturnRepository } from '../data-access/return-repository';

/** What the returns use cases work with: the return store (the one way to change a return) and the reads. */
export interface ReturnUseCaseDeps {
  store: AggregateStore<ReturnDoc>;
  returns: ReturnRepository;
  deliveredOrders: DeliveredOrderRepository;
}

/**
 * The cause of a change, with the change's events in the order's conversation: the gateway correlates the
 * receipt of a return by the return, while every reader of return events follows the order.
 */
export const inOrderConversation = <M extends Envelope>(msg: M, orderId: string): M => ({ ...msg, correlationId: orderId });
