import type { AggregateStore } from '@oms/outbox';
import type { BrokerManagement } from '../data-access/broker-management';
import type { CarrierAdapter } from '../data-access/carrier-adapters';
import type { CarrierDoc } from '../data-access/carrier-model';
import type { CarrierRepository } from '../data-access/carrier-repository';
import type { ShipmentDoc } from '../data-access/shipment-model';
import type { ShipmentRepository } from '../data-access/shipment-repository';
import type { SkuAttributesRepository } from '../data-access/sku-attributes';

/** What the carrier's use cases work with: the stores of shipments and carriers, their reads, the carriers' adapters. */
export interface CarrierUseCaseDeps {
  shipmentStore: AggregateStore<ShipmentDoc>;
  carrierStore: AggregateStore<CarrierDoc>;
  shipments: ShipmentRepository;
  carriers: CarrierRepository;
  skuAttributes: SkuAttributesRepository;
  adapters: Record<'sandbox' | 'table', CarrierAdapter>;
  /** SHIPPING_PROMISE_DAYS. */
  promiseDays: Record<string, number>;
  /** The broker's management API, for partners' feeds (RABBITMQ_MANAGEMENT_URL); absent: not configured. */
  brokerManagement?: BrokerManagement;
}
