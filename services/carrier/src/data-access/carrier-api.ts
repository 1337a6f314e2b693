import { z } from 'zod';
import { TRACKING_STATUSES, type Address } from '@oms/contracts';
import type { Logger } from '@oms/logging';
import { createHttpClient, type HttpClientOptions } from '@oms/resilience';

/** The carrier's answer is third-party input: check it before storing anything from it. */
const bookingAnswer = z.object({ shipmentId: z.string().min(1), trackingNumber: z.string().min(1).max(100), service: z.string().optional() });
export type CarrierBooking = z.infer<typeof bookingAnswer>;

export interface BookingRequest {
  reference: string;
  service: string;
  shipTo: Address;
  parcels: Array<{ weightGrams: number; dimensions?: { lengthCm: number; widthCm: number; heightCm: number } }>;
}

/** The scans the carrier's tracking API answers for a parcel: third-party input, checked. */
const eventsAnswer = z.object({
  events: z
    .array(z.object({ status: z.enum(TRACKING_STATUSES), occurredAt: z.iso.datetime({ offset: true }), location: z.string().max(200).optional() }))
    .max(500),
});
export type CarrierScan = z.infer<typeof eventsAnswer>['events'][number];

export class CarrierBookingError extends Error {
  override name = 'CarrierBookingError';
}

/**
 * The parcel carrier's booking API (the sandbox in dev and tests), behind a timeout and a circuit breaker.
 * A third party: with tracing on its calls are CLIENT spans, sent without our trace headers.
 */
export function createCarrierApi(options: { baseUrl: string; timeoutMs: number; logger: Logger; tracing?: HttpClientOptions['tracing'] }) {
  const http = createHttpClient({
    name: 'carrier-api',
    baseUrl: options.baseUrl,
    logger: options.logger,
    timeoutMs: options.timeoutMs,
    tracing: options.tracing,
  });
  return {
    /** Idempotent on `idempotencyKey`: a retry after a lost answer gets the same booking back. */
    async book(request: BookingRequest, idempotencyKey: string): Promise<CarrierBooking> {
      const res = await http.post('/v1/shipments', request, { 'Idempotency-Key': idempotencyKey });
      if (res.status !== 201 && res.status !== 200)
        throw new CarrierBookingError(`carrier refused the booking (${res.status}): ${JSON.stringify(res.body).slice(0, 500)}`);
      const parsed = bookingAnswer.safeParse(res.body);
      if (!parsed.success) throw new CarrierBookingError(`carrier answered an unexpected body: ${parsed.error.message.slice(0, 500)}`);
      return parsed.data;
    },

    /** Void a booking; one the carrier does not know (voided before) counts as voided. */
    async cancel(carrierShipmentId: string): Promise<void> {
      const res = await http.delete(`/v1/shipments/${encodeURIComponent(carrierShipmentId)}`);
      if (res.status !== 204 && res.status !== 200 && res.status !== 404) throw new CarrierBookingError(`carrier refused to void the booking (${res.status})`);
    },

    /** The parcel's scans so far (polling); an answer that does not parse is an error, not an empty list. */
    async events(carrierShipmentId: string): Promise<CarrierScan[]> {
      const res = await http.get(`/v1/shipments/${encodeURIComponent(carrierShipmentId)}/events`);
      if (res.status !== 200) throw new CarrierBookingError(`carrier refused the tracking query (${res.status})`);
      const parsed = eventsAnswer.safeParse(res.body);
      if (!parsed.success) throw new CarrierBookingError(`carrier answered unexpected tracking: ${parsed.error.message.slice(0, 500)}`);
      return parsed.data.events;
    },
  };
}
export type CarrierApi = ReturnType<typeof createCarrierApi>;
