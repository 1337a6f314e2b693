import type { Fact, QueueMessageType } from '@oms/contracts';
import { noChange, type OrderChange, type OrderState } from '../order';
import {
  fulfillmentCancelled,
  fulfillmentHandedOver,
  fulfillmentOpened,
  fulfillmentPacked,
  fulfillmentPicked,
  fulfillmentPicking,
  fulfillmentShortPicked,
} from './fulfillment';
import {
  paymentApproved,
  paymentAwaiting,
  paymentCaptured,
  paymentDeclined,
  paymentReauthorizationDeclined,
  paymentReauthorized,
  paymentRefunded,
  paymentReview,
  paymentVoided,
} from './payment';
import { fulfillmentCollected, fulfillmentPickupExpired, fulfillmentPickupOverdue, fulfillmentReadyForPickup } from './pickup';
import type { Reaction } from './reaction';
import { commandRefused } from './refusals';
import { returnOpened, returnReceived } from './returns';
import { shipmentBooked, shipmentCancelled, shipmentHandedOver, shipmentTrackingUpdated } from './shipment';
import { stockBackordered, stockConsumed, stockReallocated, stockReleased, stockReserved, stockRestocked, stockShort } from './stock';
import { isSuperseded, onSupersededCheck } from './superseded';

/** Every fact the order process hears of: the events of queue `ingestion.order-progress`. */
export type OrderEventType = QueueMessageType<'ingestion.order-progress'>;

/** One reaction per event the queue receives; the compiler refuses a missing or an extra one. */
export const REACTIONS: { [T in OrderEventType]: Reaction<T> } = {
  'stock.reserved.v1': stockReserved,
  'stock.short.v1': stockShort,
  'stock.backordered.v1': stockBackordered,
  'stock.reallocated.v1': stockReallocated,
  'stock.released.v1': stockReleased,
  'stock.consumed.v1': stockConsumed,
  'stock.restocked.v1': stockRestocked,
  'payment.approved.v1': paymentApproved,
  'payment.awaiting.v1': paymentAwaiting,
  'payment.review.v1': paymentReview,
  'payment.declined.v1': paymentDeclined,
  'payment.voided.v1': paymentVoided,
  'payment.captured.v1': paymentCaptured,
  'payment.refunded.v1': paymentRefunded,
  'payment.reauthorized.v1': paymentReauthorized,
  'payment.reauthorization-declined.v1': paymentReauthorizationDeclined,
  'fulfillment.opened.v1': fulfillmentOpened,
  'fulfillment.picking.v1': fulfillmentPicking,
  'fulfillment.picked.v1': fulfillmentPicked,
  'fulfillment.packed.v1': fulfillmentPacked,
  'fulfillment.handed-over.v1': fulfillmentHandedOver,
  'fulfillment.ready-for-pickup.v1': fulfillmentReadyForPickup,
  'fulfillment.collected.v1': fulfillmentCollected,
  'fulfillment.pickup-overdue.v1': fulfillmentPickupOverdue,
  'fulfillment.pickup-expired.v1': fulfillmentPickupExpired,
  'fulfillment.short-picked.v1': fulfillmentShortPicked,
  'fulfillment.cancelled.v1': fulfillmentCancelled,
  'shipment.booked.v1': shipmentBooked,
  'shipment.cancelled.v1': shipmentCancelled,
  'shipment.tracking-updated.v1': shipmentTrackingUpdated,
  'shipment.handed-over.v1': shipmentHandedOver,
  'return.opened.v1': returnOpened,
  'return.received.v1': returnReceived,
  'command.refused.v1': commandRefused,
};

/**
 * The order's reaction to a fact another service reports about it (stock reserved, payment approved, parcel
 * delivered...): the change of the order and the commands that move it on. A report about a check the order
 * has replaced decides nothing; what that check still holds is given back.
 */
export function reactTo<T extends OrderEventType>(order: OrderState, fact: Fact<T>): OrderChange {
  const change = noChange();
  if (isSuperseded(order, fact)) onSupersededCheck(fact, change);
  else (REACTIONS[fact.type] as Reaction<T>)(order, fact, change);
  return change;
}
