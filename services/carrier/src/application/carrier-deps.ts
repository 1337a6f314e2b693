import type { AggregateStore } from '@oms/outbox';
import type { CarrierApi } from '../data-access/carrier-api';
import type { CarrierDoc } from '../data-access/carrier-model';
import type { ShipmentDoc } from '../data-access/shipment-model';
import type { ShipmentRepository } from '../data-access/shipment-repository';

/** What the carrier's use cases work with: the stores of shipments and carriers, the shipment reads, the carrier's API. */
export interface CarrierUseCaseDeps {
  shipmentStore: AggregateStore<ShipmentDoc>;
  carrierStore: AggregateStore<CarrierDoc>;
  shipments: ShipmentRepository;
  carrierApi: CarrierApi;
}
