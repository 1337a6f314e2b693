import type { Model } from 'mongoose';
import type { OutboxRelay } from '@oms/outbox';
import type { AggregateLocks } from '@oms/redis';
import type { CarrierApi } from '../../data-access/carrier-api';
import type { CarrierDoc } from '../../data-access/carrier.model';
import type { ShipmentDoc } from '../../data-access/shipment.model';

/** What the carrier's message handlers work with. */
export interface CarrierDeps {
  Shipments: Model<ShipmentDoc>;
  Carriers: Model<CarrierDoc>;
  locks: AggregateLocks;
  outbox: OutboxRelay;
  carrierApi: CarrierApi;
}

/** One writer per shipment; keyed by fulfillment because that is what a booking command knows. */
export const shipmentLockKey = (fulfillmentId: string) => `shipment:${fulfillmentId}`;
export const carrierLockKey = (carrierId: string) => `carrier:${carrierId}`;
