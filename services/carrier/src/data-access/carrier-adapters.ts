import { createHash } from 'node:crypto';
import type { BookingRequest, CarrierApi, CarrierBooking, CarrierScan } from './carrier-api';
import type { CarrierDoc } from './carrier-model';

/**
 * Every carrier behind one interface: its rates come from its tariff (rating.ts); booking and tracking
 * differ by kind.
 */
export interface CarrierAdapter {
  /** Idempotent on `idempotencyKey`: a retry gets the same booking. */
  book(carrier: CarrierDoc, request: BookingRequest, idempotencyKey: string): Promise<CarrierBooking>;
  /** Void a booking before the parcel leaves. */
  cancel(carrier: CarrierDoc, carrierShipmentId: string): Promise<void>;
  /** A parcel's scans so far, for carriers whose tracking is polled; undefined when the carrier has no tracking API. */
  scans?(carrier: CarrierDoc, carrierShipmentId: string): Promise<CarrierScan[]>;
}

/**
 * A table carrier's tracking number: its prefix and 12 digits derived from the shipment id, so a retried
 * booking gets the same number, as the carrier's own number range would.
 */
export function tableTrackingNumber(prefix: string, shipmentId: string): string {
  const digest = createHash('sha256').update(shipmentId).digest();
  const digits = (digest.readBigUInt64BE(0) % 1_000_000_000_000n).toString().padStart(12, '0');
  return `${prefix}${digits}`;
}

/** A table carrier without a prefix: the first letters of its id (TBL when it has none). */
const defaultPrefix = (carrierId: string) =>
  carrierId
    .replace(/[^A-Za-z]/g, '')
    .slice(0, 3)
    .toUpperCase()
    .padEnd(2, 'X') || 'TBL';

export function carrierAdapters(api: CarrierApi): Record<'sandbox' | 'table', CarrierAdapter> {
  return {
    sandbox: {
      book: (_carrier, request, key) => api.book(request, key),
      cancel: (_carrier, carrierShipmentId) => api.cancel(carrierShipmentId),
      scans: (_carrier, carrierShipmentId) => api.events(carrierShipmentId),
    },
    table: {
      book: async (carrier, request, key) => ({
        shipmentId: key,
        trackingNumber: tableTrackingNumber(carrier.trackingPrefix ?? defaultPrefix(carrier._id), key),
        service: request.service,
      }),
      // Its own number range: a number not used is simply not used; there is no one to tell.
      cancel: async () => undefined,
    },
  };
}
