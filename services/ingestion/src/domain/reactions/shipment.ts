import { needsAuthorization, orderTotals, paymentFlowOf, type Fact } from '@oms/contracts';
import type { OrderChange, OrderState } from '../order';
import { entry, money, moveTo } from '../order-steps';
import type { Reaction } from './reaction';

/** What the carrier reports about the order's parcels. */

/** Record a parcel the order does not know yet; the order is shipped once it has one. */
function recordShipment(order: OrderState, change: OrderChange, fact: Fact<'shipment.booked.v1' | 'shipment.tracking-updated.v1'>, carrier?: string): void {
  const { shipmentId, trackingNumber } = fact.data;
  const shipments = change.set.shipments ?? order.shipments;
  if (shipments.some((s) => s.id === shipmentId)) return;
  change.timeline.push(
    entry(fact, 'shipment_booked', carrier ? `${carrier} tracking ${trackingNumber}` : `tracking ${trackingNumber} (reported by its first scan)`),
  );
  change.set.shipments = [...shipments, { id: shipmentId, trackingNumber, status: 'booked' }];
  if (moveTo(order, change, 'shipped', fact)) captureAtShipment(order, change, fact);
}

/**
 * The first parcel is on its way: take the authorized money (the whole amount due; a later parcel of a split
 * order takes nothing more). Payments no provider holds (invoice, marketplace) have nothing to take.
 */
function captureAtShipment(order: OrderState, change: OrderChange, fact: Fact<'shipment.booked.v1' | 'shipment.tracking-updated.v1'>): void {
  if ((change.set.checks ?? order.checks).payment !== 'approved') return;
  if (!needsAuthorization(paymentFlowOf(order.payment.method), order.payment.amount)) return;
  change.timeline.push(entry(fact, 'payment_capture_requested', `${money(order.payment.amount, order.currency)} at shipment`, { service: 'ingestion' }));
  change.send.push({ type: 'payment.capture.v1', data: { orderId: order.checkKeys.payment, amount: order.payment.amount, currency: order.currency } });
}

export const shipmentBooked: Reaction<'shipment.booked.v1'> = (order, fact, change) => {
  if (order.shipments.some((s) => s.id === fact.data.shipmentId)) return;
  recordShipment(order, change, fact, fact.data.carrierId);
};

/**
 * A scan of one of the order's parcels. A scan may overtake the booking's event: the parcel is then known
 * from the scan, so the order still moves on (the booking, when it comes, finds it recorded).
 */
export const shipmentTrackingUpdated: Reaction<'shipment.tracking-updated.v1'> = (order, fact, change) => {
  const { status, shipmentId, trackingNumber, location } = fact.data;
  change.timeline.push(entry(fact, `tracking_${status}`, [trackingNumber, location].filter(Boolean).join(' at ')));
  if (order.status === 'packed') recordShipment(order, change, fact);
  change.set.shipments = (change.set.shipments ?? order.shipments).map((s) => (s.id === shipmentId ? { ...s, status } : s));
  if (status === 'in_transit' || status === 'out_for_delivery') moveTo(order, change, 'in_transit', fact);
  if (status === 'delivered' && moveTo(order, change, 'delivered', fact)) {
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
  if (status === 'returned_to_sender') moveTo(order, change, 'returned', fact, 'returned to sender');
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
