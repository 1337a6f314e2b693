import type { Fact, OrderStatus } from '@oms/contracts';
import type { OrderChange, OrderState } from './order';

/**
 * Customer notifications (`notification.*.v1`): the moments a channel tells its customer about, derived from
 * the order's life here, where it is decided. Each carries the channel and the channel's own order id, so the
 * gateway delivers it only to that channel's webhook subscriptions (docs/webhooks.md). They travel in the same
 * store write as the change that causes them (outbox), with ids derived from the cause: a redelivered cause
 * sends the same event, which the gateway delivers once.
 */

type Who = Pick<OrderState, 'id' | 'channel' | 'externalId'>;
const about = (order: Who) => ({ orderId: order.id, channel: order.channel, externalId: order.externalId });

/** The order reached `to` (called by moveTo after the status changed). */
export function notifyStatus(order: OrderState, change: OrderChange, to: OrderStatus): void {
  // Confirmed once: an order that goes on hold after its checks and is released later was confirmed already.
  if (to === 'ready_to_fulfill' && !order.timeline.some((e) => e.type === 'status_changed' && e.status === 'ready_to_fulfill'))
    change.send.push({ type: 'notification.order-confirmed.v1', data: about(order) });
  if (to === 'delivered') change.send.push({ type: 'notification.delivered.v1', data: about(order) });
}

/** A parcel of the order was booked with its carrier: its tracking number and, when known, the tracking page. */
export function notifyShipped(order: OrderState, change: OrderChange, fact: Fact<'shipment.booked.v1'>): void {
  const { shipmentId, carrierId, trackingNumber, trackingUrl, parcel, parcels } = fact.data;
  change.send.push({
    type: 'notification.shipped.v1',
    data: {
      ...about(order),
      shipmentId,
      carrierId,
      trackingNumber,
      ...(trackingUrl ? { trackingUrl } : {}),
      ...(parcel ? { parcel } : {}),
      ...(parcels ? { parcels } : {}),
    },
  });
}

/** Money of a return went back to the customer. */
export function notifyRefund(order: OrderState, change: OrderChange, fact: Fact<'payment.refunded.v1'>): void {
  const { returnId, amount, currency } = fact.data;
  change.send.push({ type: 'notification.refund-issued.v1', data: { ...about(order), returnId, amount, currency } });
}

/** Click & collect: the goods wait at the store; the customer needs the pickup code to collect them. */
export function notifyReadyForPickup(order: OrderState, change: OrderChange, fact: Fact<'fulfillment.ready-for-pickup.v1'>): void {
  const { locationId, pickupCode, readyAt } = fact.data;
  change.send.push({ type: 'notification.ready-for-pickup.v1', data: { ...about(order), locationId, pickupCode, readyAt } });
}
