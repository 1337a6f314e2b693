import type { MessageData } from '@oms/contracts';
import { deterministicId } from '@oms/messaging';
import type { CarrierUseCaseDeps } from './carrier-deps';

/** Sends a recorded scan on (shipment.record-tracking.v1 to the carrier's own queue). */
export type SendScan = (data: MessageData<'shipment.record-tracking.v1'>, id: string) => Promise<void>;

/**
 * One polling pass: for every carrier whose tracking is polled, the scans of each parcel still on its way
 * are asked for and sent on as the webhook's would be, under the same deterministic id (carrier, tracking
 * number, status, time), so a scan polled twice, or polled and pushed, is recorded once. A carrier that fails
 * is logged by the caller and asked again next pass; the others go on.
 */
export async function pollTracking(
  { carriers, shipments, adapters }: Pick<CarrierUseCaseDeps, 'carriers' | 'shipments' | 'adapters'>,
  send: SendScan,
  onError: (carrierId: string, err: unknown) => void,
): Promise<number> {
  let sent = 0;
  for (const carrier of (await carriers.all()).filter((c) => c.tracking === 'poll' && c.active !== false)) {
    const adapter = adapters[carrier.kind ?? 'sandbox'];
    if (!adapter.scans) continue;
    try {
      for (const parcel of await shipments.inFlight(carrier._id))
        for (const scan of await adapter.scans(carrier, parcel.carrierShipmentId)) {
          const occurredAt = new Date(scan.occurredAt).toISOString();
          const data = {
            carrierId: carrier._id,
            trackingNumber: parcel.trackingNumber,
            status: scan.status,
            occurredAt,
            ...(scan.location ? { location: scan.location } : {}),
          };
          await send(data, deterministicId('tracking', carrier._id, parcel.trackingNumber, scan.status, occurredAt));
          sent++;
        }
    } catch (err) {
      onError(carrier._id, err);
    }
  }
  return sent;
}
