import { needsAuthorization, orderTotals, paymentFlowOf, type Fact } from '@oms/contracts';
import { notifyShipped } from '../notifications';
import type { OrderChange, OrderState } from '../order';
import { entry, money, moveTo } from '../order-steps';
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
  const known = booking
    ? {
        carrierId: booking.data.carrierId,
        ...(booking.data.fulfillmentId ? { fulfillmentId: booking.data.fulfillmentId } : {}),
        ...(booking.data.parcels ? { parcels: booking.data.parcels } : {}),
      }
    : {};
  change.set.shipments = [...shipments, { id: shipmentId, trackingNumber, status: 'booked', ...known }];
  if (moveTo(order, change, 'shipped', fact)) captureAtShipment(order, change, fact);
}

/**
 * Every parcel of the order is delivered: each fulfillment that ships has all the parcels it was packed in
 * booked and delivered. Parcels booked before parcels were counted (no fulfillment on the shipment) only
 * need to be delivered.
 */
export function everyParcelDelivered(order: Pick<OrderState, 'fulfillments'>, shipments: OrderState['shipments']): boolean {
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
function captureAtShipment(order: OrderState, change: OrderChange, fact: ShipmentFact): void {
  if ((change.set.checks ?? order.checks).payment !== 'approved') return;
  if (!needsAuthorization(paymentFlowOf(order.payment.method), order.payment.amount)) return;
  change.timeline.push(entry(fact, 'payment_capture_requested', `${money(order.payment.amount, order.currency)} at shipment`, { service: 'ingestion' }));
  change.send.push({ type: 'payment.capture.v1', data: { orderId: order.checkKeys.payment, amount: order.payment.amount, currency: order.currency } });
}

/**
 * A parcel was booked: recorded, and the customer is told its carrier and tracking number. A booking whose
 * parcel a scan recorded first (without its carrier) changes nothing on the order, but its notification still
 * goes out now that the carrier is known.
 */
export const shipmentBooked: Reaction<'shipment.booked.v1'> = (order, fact, change) => {
  const known = order.shipments.find((s) => s.id === fact.data.shipmentId);
  if (known) {
    if (!known.carrierId) notifyShipped(order, change, fact);
    return;
  }
  recordShipment(order, change, fact);
  notifyShipped(order, change, fact);
};

/**
 * A scan of one of the order's parcels. A scan may overtake the booking's event: the parcel is then known
 * from the scan, so the order still moves on (the booking, when it comes, finds it recorded).
 */
export const shipmentTrackingUpdated: Reaction<'shipment.tracking-updated.v1'> = (order, fact, change) => {
  const { status, shipmentId, trackingNumber, location, shipmentStatus } = fact.data;
  change.timeline.push(entry(fact, `tracking_${status}`, [trackingNumber, location].filter(Boolean).join(' at ')));
  if (order.status === 'packed') recordShipment(order, change, fact);
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
  if (parcelStatus === 'returned_to_sender') moveTo(order, change, 'returned', fact, 'returned to sender');
};

/**
 * What the customer paid, for the refunds of a return: per unit of each line, after the line's share of every
 * discount and with its tax when taxes came on top, rounded down (refunding every unit never pays back more
 * than the line cost); and for shipping, its price less its discounts, with its tax likewise.
 */
function paidForReturns(order: OrderState): { lines: Array<{ sku: string; quantity: number; unitPrice: number }>; shippingPaid: number } {
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
