import type { Envelope, MessageData } from '@oms/contracts';
import { notFound } from '@oms/errors';
import { deterministicId } from '@oms/messaging';
import { currentStatus, isSameUpdate } from '../../domain/tracking';
import type { TrackingEntry } from '../../data-access/shipment.model';
import { shipmentLockKey, type CarrierDeps } from './deps';

/**
 * A tracking scan pushed by the carrier (through the gateway's signed webhook). Carriers re-send scans, so
 * the same status at the same instant is recorded once; its event id is derived from exactly that.
 */
export async function recordTracking(deps: CarrierDeps, msg: Envelope<MessageData<'shipment.record-tracking.v1'>>) {
  const { carrierId, trackingNumber, status, location } = msg.data;
  const occurredAt = new Date(msg.data.occurredAt);
  const found = await deps.Shipments.findOne({ carrierId, trackingNumber }, { fulfillmentId: 1 }).lean();
  if (!found) throw notFound(`Shipment with tracking number ${trackingNumber}`);

  return deps.locks.withLock(shipmentLockKey(found.fulfillmentId), async () => {
    const shipment = await deps.Shipments.findById(found._id, { orderId: 1, trackingNumber: 1, status: 1, tracking: 1, processed: 1 }).lean();
    if (!shipment) throw notFound(`Shipment with tracking number ${trackingNumber}`);
    const answer = (s: string) => ({ shipmentId: shipment._id, trackingNumber: shipment.trackingNumber, status: s });
    if (shipment.processed.includes(msg.id) || shipment.tracking.some((t) => isSameUpdate(t, { status, occurredAt }))) return answer(shipment.status);

    const entry: TrackingEntry = { status, occurredAt, receivedAt: new Date(), ...(location ? { location } : {}) };
    const newStatus = currentStatus([...shipment.tracking, entry]);
    const occurredIso = occurredAt.toISOString();
    const updated = deps.outbox.entry(
      'shipment.tracking-updated.v1',
      { orderId: shipment.orderId, shipmentId: shipment._id, trackingNumber, status, occurredAt: occurredIso, ...(location ? { location } : {}) },
      { correlationId: shipment.orderId, causationId: msg.id, id: deterministicId(shipment._id, status, occurredIso) },
    );
    await deps.Shipments.updateOne({ _id: shipment._id }, { $set: { status: newStatus }, $push: { tracking: entry, outbox: updated, processed: msg.id } });
    await deps.outbox.flush(deps.Shipments, shipment._id);
    return answer(newStatus);
  });
}
