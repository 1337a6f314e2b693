import { needsAuthorization, orderTotals, paymentFlowOf, type Fact, type MessageType } from '@oms/contracts';
import { notifyShipped } from '../notifications';
import type { OrderChange, OrderState } from '../order';
import { entry, isClosed, money, moveTo } from '../order-steps';
import type { Reaction } from './reaction';

/** What the carrier reports about the order's parcels. */

type ShipmentFact = Fact<'shipment.booked.v1' | 'shipment.tracking-updated.v1'>;

/** A parcel's booking for the timeline: carrier and tracking, which parcel, what rate shopping chose over what. */
function bookingDetail(fact: Fact<'shipment.booked.v1'>): string {
  const { carrierId, trackingNumber, parcel, parcels, rate } = fact.data;
  const which = parcels && parcels > 1 ? ` (parcel ${parcel} of ${parcels})` : '';
  if (!rate) return `${carrierId} tracking ${trackingNumber}${which}`;
  const chosen = `${carrierId}/${rate.serviceId} ${money(rate.price, rate.currency)}, ${rate.transitDays} d`;
  const others = rate.alternatives.length ? `; considered: ${rate.alternatives.join('; ')}` : '';
  return `${chosen}, tracking ${trackingNumber}${which}${others}`;
}

/** Record a parcel the order does not know yet; the order is shipped once it has one. */
function recordShipment(order: OrderState, change: OrderChange, fact: ShipmentFact): void {
  const { shipmentId, trackingNumber } = fact.data;
  const shipments = change.set.shipments ?? order.shipments;
  if (shipments.some((s) => s.id === shipmentId)) return;
  const booking = fact.type === 'shipment.booked.v1' ? (fact as Fact<'shipment.booked.v1'>) : undefined;
  change.timeline.push(entry(fact, 'shipment_booked', booking ? bookingDetail(booking) : `tracking ${trackingNumber} (reported by its first scan)`));
  change.set.shipments = [...shipments, { id: shipmentId, trackingNumber, status: 'booked', ...(booking ? bookedFields(booking) : {}) }];
  if (moveTo(order, change, 'shipped', fact)) captureAtShipment(order, change, fact);
}

/** What a booking tells of its parcel: its carrier, its fulfillment and how many parcels that was packed in. */
const bookedFields = (booking: Fact<'shipment.booked.v1'>) => ({
  carrierId: booking.data.carrierId,
  ...(booking.data.fulfillmentId ? { fulfillmentId: booking.data.fulfillmentId } : {}),
  ...(booking.data.parcels ? { parcels: booking.data.parcels } : {}),
});

/**
 * Every parcel of the order is delivered: each fulfillment that ships has all the parcels it was packed in
 * booked and delivered. Parcels booked before parcels were counted (no fulfillment on the shipment) only
 * need to be delivered.
 */
export function everyParcelDelivered(order: Pick<OrderState, 'fulfillments'>, all: OrderState['shipments']): boolean {
  // A voided booking carries nothing: its replacement counts instead.
  const shipments = all.filter((s) => s.status !== 'cancelled');
  if (shipments.length === 0 || shipments.some((s) => s.status !== 'delivered')) return false;
  if (!shipments.some((s) => s.fulfillmentId)) return true;
  return order.fulfillments
    .filter((f) => f.status !== 'cancelled')
    .every((f) => {
      const parcels = shipments.filter((s) => s.fulfillmentId === f.id);
      return parcels.length > 0 && parcels.length >= Math.max(...parcels.map((s) => s.parcels ?? 1));
    });
}

/**
 * The first parcel is on its way: take the authorized money (the whole amount due; a later parcel of a split
 * order takes nothing more). Payments no provider holds (invoice, marketplace) have nothing to take.
 */
export function captureAtShipment(
  order: OrderState,
  change: OrderChange,
  fact: Pick<Fact<MessageType>, 'occurredAt' | 'producer'>,
  when = 'at shipment',
): void {
  if ((change.set.checks ?? order.checks).payment !== 'approved') return;
  if (!needsAuthorization(paymentFlowOf(order.payment.method), order.payment.amount)) return;
  change.timeline.push(entry(fact, 'payment_capture_requested', `${money(order.payment.amount, order.currency)} ${when}`, { service: 'ingestion' }));
  change.send.push({ type: 'payment.capture.v1', data: { orderId: order.checkKeys.payment, amount: order.payment.amount, currency: order.currency } });
}

/**
 * A parcel was booked: recorded, and the customer is told its carrier and tracking number. A booking whose
 * parcel a scan recorded first (without its carrier) fills in what the scan did not know (its carrier and
 * fulfillment, for telling when every parcel is delivered), and its notification goes out now.
 */
export const shipmentBooked: Reaction<'shipment.booked.v1'> = (order, fact, change) => {
  const known = order.shipments.find((s) => s.id === fact.data.shipmentId);
  if (known) {
    if (known.carrierId) return;
    change.set.shipments = order.shipments.map((s) => (s.id === known.id ? { ...s, ...bookedFields(fact) } : s));
    notifyShipped(order, change, fact);
    return;
  }
  recordShipment(order, change, fact);
  notifyShipped(order, change, fact);
};

/** A parcel's booking was voided before it left; its replacement (booked next) carries the parcel. */
export const shipmentCancelled: Reaction<'shipment.cancelled.v1'> = (order, fact, change) => {
  const { shipmentId, carrierId, trackingNumber, reason, actor } = fact.data;
  change.timeline.push(entry(fact, 'shipment_cancelled', `${carrierId} tracking ${trackingNumber} voided: ${reason}`, { actor }));
  change.set.shipments = order.shipments.map((s) => (s.id === shipmentId ? { ...s, status: 'cancelled' } : s));
};

/**
 * A scan of one of the order's parcels. A scan may overtake the booking's event: the parcel is then known
 * from the scan, so the order still moves on (the booking, when it comes, finds it recorded).
 */
export const shipmentTrackingUpdated: Reaction<'shipment.tracking-updated.v1'> = (order, fact, change) => {
  const { status, shipmentId, trackingNumber, location, shipmentStatus } = fact.data;
  change.timeline.push(entry(fact, `tracking_${status}`, [trackingNumber, location].filter(Boolean).join(' at ')));
  // Also after the first parcel: a split order's second parcel may be scanned before its booking arrives.
  if (!isClosed(order)) recordShipment(order, change, fact);
  // The parcel's status by the time of its scans (a late in_transit after delivered keeps it delivered).
  const parcelStatus = shipmentStatus ?? status;
  const shipments = (change.set.shipments ?? order.shipments).map((s) => (s.id === shipmentId ? { ...s, status: parcelStatus } : s));
  change.set.shipments = shipments;
  if (parcelStatus === 'in_transit' || parcelStatus === 'out_for_delivery') moveTo(order, change, 'in_transit', fact);
  if (parcelStatus === 'delivered') {
    if (!everyParcelDelivered(order, shipments)) moveTo(order, change, 'partially_delivered', fact, `${trackingNumber} delivered, other parcels on their way`);
    else if (moveTo(order, change, 'delivered', fact))
      change.send.push({
        type: 'order.delivered.v1',
        data: {
          orderId: order.id,
          channel: order.channel,
          currency: order.currency,
          ...paidForReturns(order),
        },
      });
  }
  const before = (order.shipments.find((s) => s.id === shipmentId) ?? { status: 'booked' }).status;
  if (parcelStatus === 'returned_to_sender' && before !== 'returned_to_sender') returnToSender(order, change, fact);
};

/**
 * The carrier (3PL partner) confirmed it took a parcel: a step on the timeline, nothing more. The order is
 * shipped from the booking on and moves on with the carrier's scans; a handover reported before the order
 * knows the parcel changes no status either.
 */
export const shipmentHandedOver: Reaction<'shipment.handed-over.v1'> = (_order, fact, change) => {
  const { carrierId, trackingNumber, actor } = fact.data;
  change.timeline.push(entry(fact, 'shipment_handed_over', `${trackingNumber} taken by ${carrierId}`, { actor }));
};

/**
 * A parcel came back undelivered: the order is returned, and returns opens a return for the parcel's lines
 * (all the order's lines when the scan did not name them), which the warehouse receives like any other.
 */
function returnToSender(order: OrderState, change: OrderChange, fact: Fact<'shipment.tracking-updated.v1'>): void {
  moveTo(order, change, 'returned', fact, 'returned to sender');
  const { lines: paid, shippingPaid } = paidForReturns(order);
  const lines = (fact.data.lines ?? order.lines).flatMap(({ sku, quantity }) => {
    const unitPrice = paid.find((l) => l.sku === sku)?.unitPrice;
    return unitPrice === undefined ? [] : [{ sku, quantity, unitPrice }];
  });
  if (lines.length === 0) return;
  change.send.push({
    type: 'order.returned-to-sender.v1',
    data: {
      orderId: order.id,
      channel: order.channel,
      currency: order.currency,
      shipmentId: fact.data.shipmentId,
      trackingNumber: fact.data.trackingNumber,
      lines,
      orderLines: paid,
      shippingPaid,
    },
  });
}

/**
 * What the customer paid, for the refunds of a return: per unit of each line, after the line's share of every
 * discount and with its tax when taxes came on top, rounded down (refunding every unit never pays back more
 * than the line cost); and for shipping, its price less its discounts, with its tax likewise.
 */
export function paidForReturns(order: OrderState): { lines: Array<{ sku: string; quantity: number; unitPrice: number }>; shippingPaid: number } {
  const totals = orderTotals(order);
  const taxOnTop = (tax: number) => (totals.taxesIncluded ? 0 : tax);
  const lines = order.lines.map(({ sku, quantity }, i) => ({
    sku,
    quantity,
    unitPrice: Math.floor((totals.lines[i].net + taxOnTop(totals.lines[i].tax)) / quantity),
  }));
  const shippingTax = totals.tax - totals.lines.reduce((sum, l) => sum + l.tax, 0);
  return { lines, shippingPaid: totals.shipping - totals.shippingDiscount + taxOnTop(shippingTax) };
}
