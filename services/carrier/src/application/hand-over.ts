import { notFound } from '@oms/errors';
import type { Message } from '@oms/messaging';
import { listFields } from '../data-access/shipment-model';
import { toShipmentView } from '../data-access/shipment-view';
import type { CarrierUseCaseDeps } from './carrier-deps';

/**
 * The carrier (3PL partner) took the parcel. A partner key may hand over its own carrier's shipments only:
 * another's is not found, so that its existence is not revealed. Once per shipment: a repeat (a retried
 * request, a redelivery) answers the shipment as it is and emits nothing. Not a tracking scan: the shipment's
 * status moves with the carrier's scans alone.
 */
export async function handOver({ shipmentStore, shipments }: CarrierUseCaseDeps, msg: Message<'shipment.hand-over.v1'>) {
  const { shipmentId, actor, partners } = msg.data;
  const hidden = () => notFound(`Shipment ${shipmentId}`);
  return shipmentStore.change(shipmentId, msg, async (current) => {
    if (!current || (partners && !partners.includes(current.carrierId))) throw hidden();
    if (current.handedOverAt) return { result: toShipmentView(current) };
    const now = new Date();
    const handedOverAt = msg.data.occurredAt ? new Date(msg.data.occurredAt) : now;
    await shipments.noteChange(current.carrierId, now);
    const done = { handedOverAt, handedOverBy: actor, ...listFields(current.carrierId, current.status, now) };
    return {
      update: { $set: done },
      correlationId: current.orderId,
      emit: [
        {
          type: 'shipment.handed-over.v1',
          data: {
            orderId: current.orderId,
            shipmentId,
            carrierId: current.carrierId,
            trackingNumber: current.trackingNumber,
            handedOverAt: handedOverAt.toISOString(),
            actor,
          },
        },
      ],
      result: toShipmentView({ ...current, ...done }),
    };
  });
}
