import type { Message } from '@oms/messaging';
import { parcelWeightGrams } from '../domain/tracking';
import { SANDBOX_CARRIER_ID } from '../data-access/carrier-model';
import { shipmentIdOf } from '../data-access/shipment-model';
import { toShipmentAnswer, type ShipmentAnswer } from '../data-access/shipment-view';
import type { CarrierUseCaseDeps } from './carrier-deps';

/**
 * Book the parcel with the carrier, once per fulfillment. The carrier is called inside the shipment's lock
 * with the shipment id as idempotency key, so a retry after a crash or a timeout gets the same booking, not
 * a second parcel. A failing carrier throws: nothing is stored, and the message is retried, then
 * dead-lettered.
 */
export async function bookShipment({ shipmentStore, carrierApi }: CarrierUseCaseDeps, msg: Message<'shipment.book.v1'>) {
  const { orderId, fulfillmentId, locationId, shippingAddress, shippingMethod, lines } = msg.data;
  const shipmentId = shipmentIdOf(fulfillmentId);
  const booked = await shipmentStore.change<ShipmentAnswer>(shipmentId, msg, async (current) => {
    if (current) return { result: toShipmentAnswer(current) };
    const booking = await carrierApi.book(
      { reference: shipmentId, service: shippingMethod, shipTo: shippingAddress, parcels: [{ weightGrams: parcelWeightGrams(lines) }] },
      shipmentId,
    );
    const shipment = {
      orderId,
      fulfillmentId,
      carrierId: SANDBOX_CARRIER_ID,
      carrierShipmentId: booking.shipmentId,
      trackingNumber: booking.trackingNumber,
      status: 'booked' as const,
      shippingAddress,
      shippingMethod,
      lines,
      locationId,
      tracking: [],
      createdAt: new Date(),
    };
    return {
      create: shipment,
      correlationId: orderId,
      emit: [{ type: 'shipment.booked.v1', data: { orderId, shipmentId, carrierId: SANDBOX_CARRIER_ID, trackingNumber: booking.trackingNumber } }],
      result: toShipmentAnswer({ _id: shipmentId, ...shipment }),
    };
  });
  return { shipmentId, trackingNumber: booked?.trackingNumber };
}
