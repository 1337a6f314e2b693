import { deterministicId, type Message } from '@oms/messaging';
import { notFound, Refusal } from '@oms/errors';
import { listFields } from '../data-access/shipment-model';
import { toShipmentView } from '../data-access/shipment-view';
import { bookParcel, promiseOf, rateable } from './book-shipment';
import type { CarrierUseCaseDeps } from './carrier-deps';

/**
 * Void a parcel's label before it leaves (a wrong carrier, a damaged label) and book the parcel again in its
 * place: the carrier is told first, then the shipment is `cancelled` (shipment.cancelled.v1 names its
 * replacement), then the replacement is booked by rate shopping, without the voided carrier when asked. Only
 * a parcel still `booked` (no scan, not handed over) can be voided. A redelivery after a crash between the
 * two steps finds the first done and books the replacement (its id follows from the voided shipment's).
 */
export async function cancelShipment(deps: CarrierUseCaseDeps, msg: Message<'shipment.cancel.v1'>) {
  const { shipmentStore, shipments, carriers, adapters, promiseDays } = deps;
  const { shipmentId, reason, excludeCarrier, actor } = msg.data;
  const voided = await shipments.byId(shipmentId);
  if (!voided) throw notFound(`Shipment ${shipmentId}`);
  const parcel = voided.parcel ?? 1;
  const replacementId = deterministicId('shipment', voided.fulfillmentId, String(parcel), 'replaces', shipmentId);
  const known = await carriers.all();
  const cancelled = await shipmentStore.change(shipmentId, msg, async (current) => {
    if (!current) throw notFound(`Shipment ${shipmentId}`);
    if (current.status === 'cancelled') return { result: toShipmentView(current) };
    if (current.status !== 'booked' || current.handedOverAt)
      throw new Refusal(
        'conflict',
        `shipment ${shipmentId} is ${current.handedOverAt ? 'handed over' : current.status}: only a parcel that has not left can be voided`,
      );
    const carrier = known.find((c) => c._id === current.carrierId);
    if (carrier) await adapters[carrier.kind ?? 'sandbox'].cancel(carrier, current.carrierShipmentId);
    const now = new Date();
    await shipments.noteChange(current.carrierId, now);
    const change = { ...listFields(current.carrierId, 'cancelled', now), status: 'cancelled' as const };
    return {
      update: { $set: change },
      correlationId: current.orderId,
      emit: [
        {
          type: 'shipment.cancelled.v1',
          data: {
            orderId: current.orderId,
            shipmentId,
            carrierId: current.carrierId,
            trackingNumber: current.trackingNumber,
            reason,
            replacedBy: replacementId,
            actor,
          },
        },
      ],
      result: toShipmentView({ ...current, ...change }),
    };
  });
  const offered = rateable(known).filter((c) => !excludeCarrier || c.id !== voided.carrierId);
  const replacement = await bookParcel(
    deps,
    msg,
    {
      orderId: voided.orderId,
      fulfillmentId: voided.fulfillmentId,
      locationId: voided.locationId,
      shippingAddress: voided.shippingAddress,
      shippingMethod: voided.shippingMethod,
    },
    {
      lines: voided.lines,
      weightGrams: voided.weightGrams ?? 500,
      ...(voided.dimensions ? { dimensions: voided.dimensions } : {}),
      ...(voided.hazmat ? { hazmat: true } : {}),
    },
    {
      number: parcel,
      replaces: shipmentId,
      count: voided.parcels ?? 1,
      shipmentId: replacementId,
      known,
      offered,
      promise: promiseOf(voided.shippingMethod, promiseDays),
    },
  );
  return { cancelled, replacement };
}
