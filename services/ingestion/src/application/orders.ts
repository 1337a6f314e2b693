import type { AggregateStore } from '@oms/outbox';
import type { OrderDocument } from '../data-access/order-model';
import type { OrderRepository } from '../data-access/order-repository';

/** What ingestion's use cases work with: the order store (the one way to change an order) and its queries. */
export interface OrderUseCaseDeps {
  store: AggregateStore<OrderDocument>;
  orders: OrderRepository;
}
