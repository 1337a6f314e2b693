import type { MessageType } from './messages';
import { QUEUE_DEFINITIONS } from './topology';

/** The services of the system, as they name themselves on the broker (the envelope's `producer`). */
export const SERVICES = ['gateway', 'ingestion', 'inventory', 'payment-check', 'fulfillment', 'carrier', 'returns', 'tasks', 'reports'] as const;
export type ServiceName = (typeof SERVICES)[number];

/** Each service that consumes commands: its queue consumer publishes command.refused.v1 when it refuses one. */
const COMMAND_HANDLERS = SERVICES.filter((service) => QUEUE_DEFINITIONS.some((q) => q.name.startsWith(`${service}.`) && (q.commands ?? []).length > 0));

/**
 * Messages the messaging kit (`@oms/messaging`) publishes on a service's behalf: the service's own code never
 * names them.
 */
export const SENT_BY_THE_MESSAGING_KIT: readonly MessageType[] = ['command.refused.v1'];

/**
 * Who publishes each message: the other half of the topology (QUEUES lists who consumes). The AsyncAPI
 * document's `send` operations come from here. A Record over every message type, so a new message does not
 * compile until its producer is named; a test compares it with the services' code.
 */
export const PRODUCERS: Record<MessageType, readonly ServiceName[]> = {
  // events
  'order.received.v1': ['gateway', 'ingestion'],
  'order.accepted.v1': ['ingestion'],
  'order.status-changed.v1': ['ingestion'],
  'order.delivered.v1': ['ingestion'],
  'order.returned-to-sender.v1': ['ingestion'],
  'stock.reserved.v1': ['inventory'],
  'stock.short.v1': ['inventory'],
  'stock.reallocated.v1': ['inventory'],
  'stock.backordered.v1': ['inventory'],
  'stock.low.v1': ['inventory'],
  'stock.replenished.v1': ['inventory'],
  'stock.released.v1': ['inventory'],
  'stock.consumed.v1': ['inventory'],
  'stock.restocked.v1': ['inventory'],
  'payment.approved.v1': ['payment-check'],
  'payment.declined.v1': ['payment-check'],
  'payment.voided.v1': ['payment-check'],
  'payment.awaiting.v1': ['payment-check'],
  'payment.review.v1': ['payment-check'],
  'payment.reauthorized.v1': ['payment-check'],
  'payment.reauthorization-declined.v1': ['payment-check'],
  'payment.captured.v1': ['payment-check'],
  'payment.refunded.v1': ['payment-check'],
  'fulfillment.opened.v1': ['fulfillment'],
  'fulfillment.short-picked.v1': ['fulfillment'],
  'fulfillment.picking.v1': ['fulfillment'],
  'fulfillment.picked.v1': ['fulfillment'],
  'fulfillment.packed.v1': ['fulfillment'],
  'fulfillment.handed-over.v1': ['fulfillment'],
  'fulfillment.ready-for-pickup.v1': ['fulfillment'],
  'fulfillment.collected.v1': ['fulfillment'],
  'fulfillment.pickup-overdue.v1': ['fulfillment'],
  'fulfillment.pickup-expired.v1': ['fulfillment'],
  'fulfillment.cancelled.v1': ['fulfillment'],
  'shipment.booked.v1': ['carrier'],
  'shipment.tracking-updated.v1': ['carrier'],
  'shipment.handed-over.v1': ['carrier'],
  'shipment.cancelled.v1': ['carrier'],
  'notification.order-confirmed.v1': ['ingestion'],
  'notification.shipped.v1': ['ingestion'],
  'notification.delivered.v1': ['ingestion'],
  'notification.ready-for-pickup.v1': ['ingestion'],
  'notification.refund-issued.v1': ['ingestion'],
  'return.opened.v1': ['returns'],
  'return.received.v1': ['returns'],
  'command.refused.v1': COMMAND_HANDLERS,
  'rule.triggered.v1': ['tasks'],
  'webhook.delivery-failed.v1': ['gateway'],
  'webhook.delivery-recovered.v1': ['gateway'],
  // commands: the public API's state changes come from the gateway, the order's next steps from ingestion
  'order.cancel.v1': ['gateway', 'ingestion'],
  'order.amend.v1': ['gateway'],
  'order.decide.v1': ['gateway'],
  'order.record-payment.v1': ['gateway'],
  'order.release-hold.v1': ['gateway'],
  'order.reject.v1': ['gateway'],
  'order.retry-refund.v1': ['gateway'],
  'stock.reserve.v1': ['ingestion'],
  'stock.release.v1': ['ingestion'],
  'stock.short-pick.v1': ['ingestion'],
  'stock.supplement.v1': ['ingestion'],
  'stock.consume.v1': ['ingestion'],
  'stock.restock.v1': ['ingestion'],
  'stock.record-movements.v1': ['gateway'],
  'location.upsert.v1': ['gateway'],
  'stock.set-levels.v1': ['gateway'],
  'sku.configure.v1': ['gateway'],
  'stock.expect.v1': ['gateway'],
  'payment.check.v1': ['ingestion'],
  'payment.void.v1': ['ingestion'],
  'payment.capture.v1': ['ingestion'],
  'payment.receive.v1': ['ingestion'],
  'payment.decide-review.v1': ['ingestion'],
  'payment.reauthorize.v1': ['payment-check'],
  'fraud.set-rules.v1': ['gateway'],
  'fraud.block.v1': ['gateway'],
  'fraud.unblock.v1': ['gateway'],
  'payment.refund.v1': ['ingestion'],
  'fulfillment.open.v1': ['ingestion'],
  'fulfillment.cancel.v1': ['ingestion'],
  'fulfillment.add-lines.v1': ['ingestion'],
  'fulfillment.set-bins.v1': ['gateway'],
  'fulfillment.set-order-hold.v1': ['ingestion'],
  'fulfillment.create-pick-list.v1': ['gateway'],
  'fulfillment.pick.v1': ['gateway'],
  'fulfillment.pack.v1': ['gateway'],
  'fulfillment.hand-over.v1': ['gateway'],
  'fulfillment.mark-ready-for-pickup.v1': ['gateway'],
  'fulfillment.collect.v1': ['gateway'],
  'fulfillment.check-pickup.v1': ['fulfillment'],
  'fulfillment.report-short-pick.v1': ['gateway'],
  'shipment.book.v1': ['ingestion'],
  'shipment.record-tracking.v1': ['gateway'],
  'shipment.hand-over.v1': ['gateway'],
  'carrier.configure.v1': ['gateway'],
  'sku.set-attributes.v1': ['gateway'],
  'shipment.cancel.v1': ['gateway'],
  'partner.provision.v1': ['gateway'],
  'return.open.v1': ['gateway'],
  'return.receive.v1': ['gateway'],
  'rule.configure.v1': ['gateway'],
  'task.claim.v1': ['gateway'],
  'task.complete.v1': ['gateway'],
  'task.fire.v1': ['tasks'],
};
