import type { Address } from '@oms/contracts';
import { notFound } from '@oms/errors';
import type { ShipmentDoc } from '../data-access/shipment-model';
import type { CarrierShipmentsQuery, ShipmentRepository } from '../data-access/shipment-repository';
import { toShipmentView } from '../data-access/shipment-view';

/** What a shipping label shows. */
export interface LabelData {
  sender: string;
  shipFromLocationId: string;
  shipTo: Address;
  orderId: string;
  trackingNumber: string;
  carrierId: string;
  /** The carrier's service (rate shopping's choice), else the order's shipping method. */
  service: string;
  weightGrams?: number;
  /** `2/3`: the parcel's place among its fulfillment's parcels. */
  parcel?: string;
}

/** What the gateway asks about shipments. */
export function shipmentQueries(shipments: ShipmentRepository, sender: string) {
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

    /** One page of a carrier's shipments by their last change, oldest first (the partner list). */
    async ofCarrier(query: CarrierShipmentsQuery) {
      const page = await shipments.ofCarrier(query);
      return { items: page.items.map(toShipmentView), nextCursor: page.nextCursor };
    },

    async get(id: string) {
      return toShipmentView(await find(id));
    },

    async label(id: string): Promise<LabelData> {
      const s = await find(id);
      return {
        sender,
        shipFromLocationId: s.locationId,
        shipTo: s.shippingAddress,
        orderId: s.orderId,
        trackingNumber: s.trackingNumber,
        carrierId: s.carrierId,
        service: s.serviceId ?? s.shippingMethod,
        ...(s.weightGrams ? { weightGrams: s.weightGrams } : {}),
        ...(s.parcels && s.parcels > 1 ? { parcel: `${s.parcel}/${s.parcels}` } : {}),
      };
    },
  };
}

export type ShipmentQueries = ReturnType<typeof shipmentQueries>;
