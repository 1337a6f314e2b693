import { Refusal } from '@oms/errors';
import type { Address, Envelope } from '@oms/contracts';
import type { Message } from '@oms/messaging';
import { shopRates, type RatedCarrier, type ShippingPromise } from '../domain/rating';
import { defaultParcels, withHazmat, type ParcelToBook } from '../domain/parcels';
import { SANDBOX_CARRIER_ID, type CarrierDoc } from '../data-access/carrier-model';
import { listFields, shipmentIdOf } from '../data-access/shipment-model';
import { toShipmentAnswer, type ShipmentAnswer } from '../data-access/shipment-view';
import type { CarrierUseCaseDeps } from './carrier-deps';

/** What the shipping method asks of a service: express needs express; the promise caps the transit days. */
export function promiseOf(shippingMethod: string, promiseDays: Record<string, number>): ShippingPromise {
  return { level: shippingMethod === 'express' ? 'express' : 'standard', maxTransitDays: promiseDays[shippingMethod] ?? promiseDays.default ?? 5 };
}

/** The carrier's tracking page for one parcel: its `trackingUrl` template with the number filled in. */
export const trackingLink = (template: string, trackingNumber: string) => template.replaceAll('{trackingNumber}', encodeURIComponent(trackingNumber));

/** Carriers offered in rate shopping: active ones with a tariff. */
export const rateable = (carriers: CarrierDoc[]): RatedCarrier[] =>
  carriers.filter((c) => c.tariff && c.active !== false).map((c) => ({ id: c._id, tariff: c.tariff! }));

/**
 * Book each parcel of a packed fulfillment, once (as packed, or parcels made from the SKUs' attributes: ships-alone
 * units each in their own): a shipment per parcel, with the cheapest carrier service
 * that meets the shipping method, its promised transit and the parcel's limits (rate shopping, when carriers
 * have tariffs; else the sandbox carrier). Each booking happens inside its shipment's lock with the shipment
 * id as idempotency key, so a retry after a crash or a timeout gets the same booking, not a second parcel.
 * A failing carrier throws: nothing is stored for that parcel, and the message is retried. A parcel no
 * carrier can take is refused (the order's timeline shows why).
 */
export async function bookShipment(deps: CarrierUseCaseDeps, msg: Message<'shipment.book.v1'>) {
  const { carriers, skuAttributes, promiseDays } = deps;
  const { orderId, fulfillmentId, locationId, shippingAddress, shippingMethod, lines } = msg.data;
  // Weights, measures, dangerous goods and ships-alone come from the SKUs' attributes where the packer gave none.
  const attributes = await skuAttributes.of(lines.map((l) => l.sku));
  const parcels = msg.data.parcels ? withHazmat(msg.data.parcels, attributes) : defaultParcels(lines, attributes);
  const known = await carriers.all();
  const offered = rateable(known);
  const promise = promiseOf(shippingMethod, promiseDays);
  const booked: ShipmentAnswer[] = [];
  for (const [index, parcel] of parcels.entries()) {
    const number = index + 1;
    const shipmentId = shipmentIdOf(fulfillmentId, number);
    const answer = await bookParcel(deps, msg, { orderId, fulfillmentId, locationId, shippingAddress, shippingMethod }, parcel, {
      number,
      count: parcels.length,
      shipmentId,
      known,
      offered,
      promise,
    });
    if (answer) booked.push(answer);
  }
  // The first parcel's answer as before parcels, with every parcel's.
  return { shipmentId: booked[0]?.shipmentId, trackingNumber: booked[0]?.trackingNumber, shipments: booked };
}

/** The order's side of a booking: whose parcel, from where, to where, how fast. */
export interface BookingOrder {
  orderId: string;
  fulfillmentId: string;
  locationId: string;
  shippingAddress: Address;
  shippingMethod: string;
}

/** Where a parcel stands among its fulfillment's, its shipment id, and the carriers to shop among. */
export interface ParcelPlace {
  number: number;
  /** Booked in place of this voided shipment. */
  replaces?: string;
  count: number;
  shipmentId: string;
  known: CarrierDoc[];
  offered: RatedCarrier[];
  promise: ShippingPromise;
}

/**
 * Book one parcel as shipment `place.shipmentId`, once, with the carrier rate shopping chooses (or the
 * sandbox carrier when none has a tariff): inside the shipment's lock, the shipment id as the carrier's
 * idempotency key.
 */
export function bookParcel(
  { shipmentStore, shipments, adapters }: CarrierUseCaseDeps,
  cause: Envelope,
  { orderId, fulfillmentId, locationId, shippingAddress, shippingMethod }: BookingOrder,
  parcel: ParcelToBook,
  place: ParcelPlace,
) {
  const { shipmentId, known, offered, promise } = place;
  return shipmentStore.change<ShipmentAnswer>(shipmentId, cause, async (current) => {
    if (current) return { result: toShipmentAnswer(current) };
    const shopped = offered.length > 0 ? shopRates(offered, parcel, shippingAddress, promise) : undefined;
    if (shopped && !shopped.choice)
      throw new Refusal('invalid', `No carrier can take parcel ${place.number} of fulfillment ${fulfillmentId}: ${shopped.alternatives.join('; ')}`);
    const carrierId = shopped?.choice?.carrierId ?? SANDBOX_CARRIER_ID;
    const carrier = known.find((c) => c._id === carrierId) ?? {
      _id: SANDBOX_CARRIER_ID,
      name: 'Sandbox Carrier',
      createdAt: new Date(),
      updatedAt: new Date(),
    };
    const service = shopped?.choice?.serviceId ?? shippingMethod;
    const booking = await adapters[carrier.kind ?? 'sandbox'].book(
      carrier,
      {
        reference: shipmentId,
        service,
        shipTo: shippingAddress,
        parcels: [{ weightGrams: parcel.weightGrams, ...(parcel.dimensions ? { dimensions: parcel.dimensions } : {}) }],
      },
      shipmentId,
    );
    const now = new Date();
    // The partner list reads day by day: the day is noted before the shipment is stored.
    await shipments.noteChange(carrierId, now);
    const shipment = {
      orderId,
      fulfillmentId,
      parcel: place.number,
      parcels: place.count,
      carrierId,
      serviceId: service,
      carrierShipmentId: booking.shipmentId,
      trackingNumber: booking.trackingNumber,
      status: 'booked' as const,
      shippingAddress,
      shippingMethod,
      lines: parcel.lines,
      weightGrams: parcel.weightGrams,
      ...(parcel.dimensions ? { dimensions: parcel.dimensions } : {}),
      ...(parcel.hazmat ? { hazmat: true } : {}),
      ...(shopped?.choice ? { rate: shopped.choice } : {}),
      ...(place.replaces ? { replaces: place.replaces } : {}),
      locationId,
      tracking: [],
      createdAt: now,
      ...listFields(carrierId, 'booked', now),
    };
    return {
      create: shipment,
      correlationId: orderId,
      emit: [
        {
          type: 'shipment.booked.v1',
          data: {
            orderId,
            shipmentId,
            carrierId,
            trackingNumber: booking.trackingNumber,
            fulfillmentId,
            parcel: place.number,
            parcels: place.count,
            ...(shopped?.choice ? { rate: shopped.choice } : {}),
            ...(carrier.trackingUrl ? { trackingUrl: trackingLink(carrier.trackingUrl, booking.trackingNumber) } : {}),
          },
        },
      ],
      result: toShipmentAnswer({ _id: shipmentId, ...shipment }),
    };
  });
}
