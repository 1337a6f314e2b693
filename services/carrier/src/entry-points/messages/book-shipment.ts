import type { Envelope, MessageData } from '@oms/contracts';
import { deterministicId } from '@oms/messaging';
import { SANDBOX_CARRIER_ID } from '../../data-access/carrier.model';
import { parcelWeightGrams } from '../../domain/tracking';
import { shipmentLockKey, type CarrierDeps } from './deps';

/**
 * Book the parcel with the carrier, once per fulfillment. The carrier call happens inside the lock with the
 * shipment id as idempotency key, so a retry after a crash or a timeout gets the same booking, not a second
 * parcel. A failing carrier throws: the kit retries with growing delay, then dead-letters.
 */
export async function bookShipment(deps: CarrierDeps, msg: Envelope<MessageData<'shipment.book.v1'>>) {
  const { orderId, fulfillmentId, locationId, shippingAddress, shippingMethod, lines } = msg.data;
  const shipmentId = deterministicId('shipment', fulfillmentId);
  return deps.locks.withLock(shipmentLockKey(fulfillmentId), async () => {
    const existing = await deps.Shipments.findById(shipmentId, { trackingNumber: 1 }).lean();
    if (existing) {
      await deps.outbox.flush(deps.Shipments, shipmentId); // a crash may have left the booked event behind
      return { shipmentId, trackingNumber: existing.trackingNumber };
    }
    const booking = await deps.carrierApi.book(
      { reference: shipmentId, service: shippingMethod, shipTo: shippingAddress, parcels: [{ weightGrams: parcelWeightGrams(lines) }] },
      shipmentId,
    );
    const booked = deps.outbox.entry(
      'shipment.booked.v1',
      { orderId, shipmentId, carrierId: SANDBOX_CARRIER_ID, trackingNumber: booking.trackingNumber },
      { correlationId: orderId, causationId: msg.id, id: deterministicId(shipmentId, 'shipment.booked.v1') },
    );
    await deps.Shipments.create({
      _id: shipmentId,
      orderId,
      fulfillmentId,
      carrierId: SANDBOX_CARRIER_ID,
      carrierShipmentId: booking.shipmentId,
      trackingNumber: booking.trackingNumber,
      status: 'booked',
      shippingAddress,
      shippingMethod,
      lines,
      locationId,
      tracking: [],
      processed: [msg.id],
      outbox: [booked],
      createdAt: new Date(),
    });
    await deps.outbox.flush(deps.Shipments, shipmentId);
    return { shipmentId, trackingNumber: booking.trackingNumber };
  });
}
