import type { Address } from '@oms/contracts';
import { notFound } from '@oms/errors';
import type { ShipmentDoc } from '../data-access/shipment-model';
import type { ShipmentRepository } from '../data-access/shipment-repository';
import { toShipmentView } from '../data-access/shipment-view';

/** What a shipping label shows. */
export interface LabelData {
  shipFromLocationId: string;
  shipTo: Address;
  orderId: string;
  trackingNumber: string;
  carrierId: string;
  shippingMethod: string;
}

/** What the gateway asks about shipments. */
export function shipmentQueries(shipments: ShipmentRepository) {
  const find = async (id: string): Promise<ShipmentDoc> => {
    const shipment = await shipments.byId(id);
    if (!shipment) throw notFound(`Shipment ${id}`);
    return shipment;
  };
  return {
    /** An order's shipments, in the order they were booked. */
    async ofOrder(orderId: string) {
      return (await shipments.ofOrder(orderId)).map(toShipmentView);
    },

    async get(id: string) {
      return toShipmentView(await find(id));
    },

    async label(id: string): Promise<LabelData> {
      const s = await find(id);
      return {
        shipFromLocationId: s.locationId,
        shipTo: s.shippingAddress,
        orderId: s.orderId,
        trackingNumber: s.trackingNumber,
        carrierId: s.carrierId,
        shippingMethod: s.shippingMethod,
      };
    },
  };
}

export type ShipmentQueries = ReturnType<typeof shipmentQueries>;
