import type { ShippingCoverage } from '@oms/contracts';
import type { AggregateStore } from '@oms/outbox';
import type { OrderDocument } from '../data-access/order-model';
import type { OrderRepository } from '../data-access/order-repository';

/** What ingestion's use cases work with: the order store (the one way to change an order), its queries, and where shipping methods deliver. */
export interface OrderUseCaseDeps {
  store: AggregateStore<OrderDocument>;
  orders: OrderRepository;
  coverage: ShippingCoverage;
}
