import { notFound } from '@oms/errors';
import type { Message } from '@oms/messaging';
import { recordScan } from '../domain/tracking';
import { toShipmentAnswer, type ShipmentAnswer } from '../data-access/shipment-view';
import type { CarrierUseCaseDeps } from './carrier-deps';

/**
 * A tracking scan pushed by the carrier (through the gateway's signed webhook). Carriers re-send scans: the
 * same status at the same instant is recorded once, whichever message brings it. The answer is the
 * shipment's status after the scan.
 */
export async function recordTracking({ shipmentStore, shipments }: CarrierUseCaseDeps, msg: Message<'shipment.record-tracking.v1'>) {
  const { carrierId, trackingNumber, status, location } = msg.data;
  const found = await shipments.byTrackingNumber(carrierId, trackingNumber);
  if (!found) throw notFound(`Shipment with tracking number ${trackingNumber}`);
  const occurredAt = new Date(msg.data.occurredAt);
  return shipmentStore.change<ShipmentAnswer>(found._id, msg, (current) => {
    if (!current) throw notFound(`Shipment with tracking number ${trackingNumber}`);
    const scan = recordScan(current.tracking, { status, occurredAt, location }, new Date());
    if (!scan) return { result: toShipmentAnswer(current) };
    return {
      update: { $set: { status: scan.status }, $push: { tracking: scan.entry } },
      correlationId: found.orderId,
      emit: [
        {
          type: 'shipment.tracking-updated.v1',
          data: {
            orderId: current.orderId,
            shipmentId: current._id,
            trackingNumber,
            status,
            occurredAt: occurredAt.toISOString(),
            ...(location ? { location } : {}),
            shipmentStatus: scan.status,
            carrierId: current.carrierId,
          },
        },
      ],
      result: toShipmentAnswer({ ...current, status: scan.status }),
    };
  });
}
