import type { AggregateStore } from '@oms/outbox';
import type { DeliveredOrderRepository } from '../data-access/delivered-order-repository';
import type { ReturnDoc } from '../data-access/return-model';
import type { ReturnRepository } from '../data-access/return-repository';

/** What the returns use cases work with: the return store (the one way to change a return) and the reads. */
export interface ReturnUseCaseDeps {
  store: AggregateStore<ReturnDoc>;
  returns: ReturnRepository;
  deliveredOrders: DeliveredOrderRepository;
  /** RETURNED_TO_SENDER_RESOLUTION: a parcel returned to sender is refunded or shipped again. */
  returnedToSender: 'refund' | 'reship';
}
