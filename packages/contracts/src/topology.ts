import type { CommandType, EventType, MessageType } from './messages';

export const EVENTS_EXCHANGE = 'oms.events';
export const COMMANDS_EXCHANGE = 'oms.commands';

export interface QueueDefinition {
  /** `<service>.<purpose>`: one durable queue per consumer purpose (docs/messaging.md). */
  name: string;
  commands?: readonly CommandType[];
  events?: readonly EventType[];
}

/**
 * All subscriptions of the system in one place. Every service declares the whole topology at start, so a
 * command or event published while its consumer is down waits in its queue instead of being unroutable.
 */
export const QUEUES = [
  { name: 'ingestion.order-intake', events: ['order.received.v1'] },
  {
    name: 'ingestion.commands',
    commands: [
      'order.cancel.v1',
      'order.amend.v1',
      'order.release-hold.v1',
      'order.reject.v1',
      'order.retry-refund.v1',
      'order.decide.v1',
      'order.record-payment.v1',
    ],
  },
  {
    name: 'ingestion.order-progress',
    events: [
      'stock.reserved.v1',
      'stock.short.v1',
      'stock.backordered.v1',
      'stock.reallocated.v1',
      'stock.released.v1',
      'stock.consumed.v1',
      'stock.restocked.v1',
      'payment.approved.v1',
      'payment.awaiting.v1',
      'payment.review.v1',
      'payment.declined.v1',
      'payment.voided.v1',
      'payment.captured.v1',
      'payment.refunded.v1',
      'payment.reauthorized.v1',
      'payment.reauthorization-declined.v1',
      'fulfillment.opened.v1',
      'fulfillment.picking.v1',
      'fulfillment.picked.v1',
      'fulfillment.packed.v1',
      'fulfillment.handed-over.v1',
      'fulfillment.ready-for-pickup.v1',
      'fulfillment.collected.v1',
      'fulfillment.pickup-overdue.v1',
      'fulfillment.pickup-expired.v1',
      'fulfillment.short-picked.v1',
      'fulfillment.cancelled.v1',
      'shipment.booked.v1',
      'shipment.cancelled.v1',
      'shipment.tracking-updated.v1',
      'shipment.handed-over.v1',
      'return.opened.v1',
      'return.received.v1',
      'command.refused.v1',
    ],
  },
  {
    name: 'inventory.commands',
    commands: [
      'stock.reserve.v1',
      'stock.release.v1',
      'stock.consume.v1',
      'stock.restock.v1',
      'stock.record-movements.v1',
      'location.upsert.v1',
      'stock.short-pick.v1',
      'stock.supplement.v1',
      'stock.set-levels.v1',
      'sku.configure.v1',
      'stock.expect.v1',
    ],
  },
  {
    name: 'payment-check.commands',
    commands: [
      'payment.check.v1',
      'payment.void.v1',
      'payment.capture.v1',
      'payment.refund.v1',
      'payment.receive.v1',
      'payment.decide-review.v1',
      'payment.reauthorize.v1',
      'fraud.set-rules.v1',
      'fraud.block.v1',
      'fraud.unblock.v1',
    ],
  },
  {
    name: 'fulfillment.commands',
    commands: [
      'fulfillment.open.v1',
      'fulfillment.cancel.v1',
      'fulfillment.add-lines.v1',
      'fulfillment.set-bins.v1',
      'fulfillment.set-order-hold.v1',
      'fulfillment.create-pick-list.v1',
      'fulfillment.pick.v1',
      'fulfillment.pack.v1',
      'fulfillment.hand-over.v1',
      'fulfillment.mark-ready-for-pickup.v1',
      'fulfillment.collect.v1',
      'fulfillment.check-pickup.v1',
      'fulfillment.report-short-pick.v1',
    ],
  },
  {
    name: 'carrier.commands',
    commands: [
      'shipment.book.v1',
      'shipment.record-tracking.v1',
      'shipment.hand-over.v1',
      'shipment.cancel.v1',
      'carrier.configure.v1',
      'sku.set-attributes.v1',
      'partner.provision.v1',
    ],
  },
  { name: 'returns.commands', commands: ['return.open.v1', 'return.receive.v1'] },
  { name: 'returns.delivered-orders', events: ['order.delivered.v1'] },
  // Parcels back to the sender undelivered: their return is opened by itself.
  { name: 'returns.returned-parcels', events: ['order.returned-to-sender.v1'] },
  // Every refused command, for the refunds and restocks of a return: the return shows what failed.
  { name: 'returns.command-refusals', events: ['command.refused.v1'] },
  // Refunds done: a return whose refund failed once shows it refunded after a retry.
  { name: 'returns.refunds', events: ['payment.refunded.v1'] },
  { name: 'tasks.commands', commands: ['rule.configure.v1', 'task.claim.v1', 'task.complete.v1', 'task.fire.v1'] },
  // What the trigger rules watch (docs/tasks.md): each event starts, renews or ends a situation of a rule.
  {
    name: 'tasks.signals',
    events: [
      'order.status-changed.v1',
      'payment.review.v1',
      'payment.approved.v1',
      'payment.declined.v1',
      'payment.refunded.v1',
      'stock.low.v1',
      'stock.replenished.v1',
      'fulfillment.opened.v1',
      'fulfillment.packed.v1',
      'fulfillment.ready-for-pickup.v1',
      'fulfillment.collected.v1',
      'fulfillment.pickup-expired.v1',
      'fulfillment.short-picked.v1',
      'fulfillment.cancelled.v1',
      'shipment.booked.v1',
      'shipment.tracking-updated.v1',
      'shipment.cancelled.v1',
      'return.opened.v1',
      'return.received.v1',
      'command.refused.v1',
      'webhook.delivery-failed.v1',
      'webhook.delivery-recovered.v1',
    ],
  },
  // What the reports are built from (docs/reports.md): each event becomes one immutable fact.
  {
    name: 'reports.facts',
    events: ['order.received.v1', 'order.status-changed.v1', 'shipment.booked.v1', 'fulfillment.handed-over.v1', 'return.opened.v1'],
  },
  // The public event types webhook subscriptions may ask for (docs/webhooks.md): the gateway delivers them.
  {
    name: 'gateway.webhooks',
    events: [
      'order.accepted.v1',
      'order.status-changed.v1',
      'stock.low.v1',
      'notification.order-confirmed.v1',
      'notification.shipped.v1',
      'notification.delivered.v1',
      'notification.ready-for-pickup.v1',
      'notification.refund-issued.v1',
      'shipment.booked.v1',
      'shipment.tracking-updated.v1',
      'shipment.handed-over.v1',
      'shipment.cancelled.v1',
      'rule.triggered.v1',
    ],
  },
] as const satisfies readonly QueueDefinition[];

/** The same list, each entry seen as a plain QueueDefinition (for code that walks all queues alike). */
export const QUEUE_DEFINITIONS: readonly QueueDefinition[] = QUEUES;

export type QueueName = (typeof QUEUES)[number]['name'];
type QueueOf<Q extends QueueName> = Extract<(typeof QUEUES)[number], { name: Q }>;
type Listed<D, K extends 'commands' | 'events'> = D extends { readonly [key in K]: readonly (infer T extends MessageType)[] } ? T : never;
/** Every command and event type that queue `Q` receives. */
export type QueueMessageType<Q extends QueueName> = Listed<QueueOf<Q>, 'commands'> | Listed<QueueOf<Q>, 'events'>;

export function queueDefinition(name: string): QueueDefinition {
  const found = QUEUE_DEFINITIONS.find((q) => q.name === name);
  if (!found) throw new Error(`unknown queue ${name}: add it to QUEUES in @oms/contracts`);
  return found;
}

/**
 * Partner events (docs/partners.md). A 3PL partner is a carrier (partner id = carrier id) and consumes the
 * events of its own shipments from a queue of its own. Events are routed by type, which says nothing about
 * whose shipment it is, so the publisher adds the header `oms-partner: <carrierId>` to every event whose data
 * names a carrier, and a headers exchange fed by the events exchange sends each to that partner's queue only.
 */
export const PARTNERS_EXCHANGE = 'oms.partners';
/** The AMQP header that names the carrier (partner) an event is about. */
export const PARTNER_HEADER = 'oms-partner';
/** Which events reach the partners exchange at all (exchange-to-exchange bindings from EVENTS_EXCHANGE). */
export const PARTNER_EVENT_PATTERNS = ['shipment.#'] as const;

/** `partner.<id>`: the partner's queue, the one thing its broker user may read. */
export const partnerQueueName = (partnerId: string): string => `partner.${partnerId}`;
/** `partner-<id>`: the partner's RabbitMQ user. */
export const partnerUserName = (partnerId: string): string => `partner-${partnerId}`;

/**
 * A partner's queue: quorum (replicated like ours), and bounded, so that a partner who stops reading cannot
 * fill the broker: at most 100,000 events and 7 days each, the oldest dropped first. Drop-head, not
 * reject-publish: a full partner queue must never refuse (and so block) the publishes of our own services.
 * A partner who lost events catches up through `GET /v1/shipments?updatedSince=`. Fixed here, not
 * configured: a queue re-declared with other arguments is refused (PRECONDITION_FAILED).
 */
export const PARTNER_QUEUE_ARGUMENTS = {
  'x-queue-type': 'quorum',
  'x-max-length': 100_000,
  'x-overflow': 'drop-head',
  'x-message-ttl': 7 * 24 * 60 * 60 * 1000,
} as const;

/** The binding of a partner's queue to PARTNERS_EXCHANGE: events whose header names this partner. */
export const partnerBindingArguments = (partnerId: string) => ({ 'x-match': 'all', [PARTNER_HEADER]: partnerId }) as const;

/** The broker permissions of a partner's user: configure and write nothing, read its own queue only. */
export function partnerPermissions(partnerId: string): { configure: string; write: string; read: string } {
  const escaped = partnerQueueName(partnerId).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return { configure: '^$', write: '^$', read: `^${escaped}$` };
}
