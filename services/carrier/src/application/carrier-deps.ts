import type { Envelope } from '@oms/contracts';
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

/**
 * The cause of a change, with the change's events in the order's conversation: the gateway correlates a
 * carrier's scans by tracking number, while every reader of shipment events follows the order.
 */
export const inOrderConversation = <M extends Envelope>(msg: M, orderId: string): M => ({ ...msg, correlationId: orderId });
