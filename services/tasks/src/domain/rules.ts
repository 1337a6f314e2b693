import type { Fact, QueueMessageType, RuleId, RuleSettings, TaskLink } from '@oms/contracts';

/** The event types the rules watch: exactly those of the queue `tasks.signals`. */
export type WatchedType = QueueMessageType<'tasks.signals'>;
/** A fact of one of those types; a rule narrows it by `type`. */
export type WatchedFact = { [T in WatchedType]: Fact<T> }[WatchedType];

/**
 * What one event means for one rule's situation about one subject (an order, a shipment...):
 * - `start`: the situation begins (the clock of `afterHours` starts; at 0 the rule acts at once);
 * - `renew`: it begins again: a waiting clock restarts, and an open task closes because what it waited for
 *   came (a tracking scan after days without one), while a new clock starts;
 * - `stop`: it is over, the work is done: a waiting clock is dropped and an open task closes by itself.
 */
export interface Signal {
  effect: 'start' | 'renew' | 'stop';
  /** The situation's subject: a rule has at most one situation per subject at a time. */
  link: TaskLink;
  orderId?: string;
  locationId?: string;
  /** Why it stopped or renewed: written on a task it closes. */
  reason?: string;
}

/** One built-in rule: its name, what it does by default, and how the events it watches move its situations. */
export interface RuleDefinition {
  id: RuleId;
  name: string;
  description: string;
  defaults: RuleSettings;
  /** The task's title, from the situation. */
  title: (s: Pick<Signal, 'link' | 'orderId' | 'locationId'>) => string;
  /** What a fact means for this rule (undefined: nothing; several subjects: a list). */
  signal: (fact: WatchedFact) => Signal | Signal[] | undefined;
}

const HOUR = 1;
const DAY = 24 * HOUR;

const base: Omit<RuleSettings, 'assignee'> = {
  enabled: true,
  afterHours: 0,
  createTask: true,
  priority: 'normal',
  dueInHours: DAY,
  flagRed: false,
  // On by default: the console shows a new task or red flag live from it (docs/console.md).
  emitEvent: true,
};

const order = (orderId: string): Pick<Signal, 'link' | 'orderId'> => ({ link: { kind: 'order', id: orderId }, orderId });

/** An order that ended (cancelled, rejected) ends every situation about it. */
function orderEnded(fact: WatchedFact): Signal | undefined {
  if (fact.type !== 'order.status-changed.v1') return undefined;
  const { orderId, to } = fact.data;
  return to === 'cancelled' || to === 'rejected' ? { effect: 'stop', ...order(orderId), reason: `order ${to}` } : undefined;
}

/** A fulfillment's situation: the work at its location. */
const fulfillmentOf = (data: { fulfillmentId: string; orderId: string; locationId: string }): Pick<Signal, 'link' | 'orderId' | 'locationId'> => ({
  link: { kind: 'fulfillment', id: data.fulfillmentId },
  orderId: data.orderId,
  locationId: data.locationId,
});

function fulfillmentsCancelled({ orderId, fulfillmentIds }: { orderId: string; fulfillmentIds: string[] }): Signal[] {
  return fulfillmentIds.map((id) => ({ effect: 'stop', link: { kind: 'fulfillment', id }, orderId, reason: 'order cancelled' }));
}

export const RULES: readonly RuleDefinition[] = [
  {
    id: 'shipment-without-tracking',
    name: 'Shipment without tracking',
    description: 'A booked parcel had no tracking scan for the set time (the carrier may have lost it).',
    defaults: { ...base, afterHours: 3 * DAY, assignee: 'team:customer-service' },
    title: ({ link }) => `No tracking for shipment ${link.id}: ask the carrier`,
    signal: (fact) => {
      switch (fact.type) {
        case 'shipment.booked.v1':
          return { effect: 'start', link: { kind: 'shipment', id: fact.data.shipmentId }, orderId: fact.data.orderId };
        case 'shipment.tracking-updated.v1': {
          const { shipmentId, orderId, status } = fact.data;
          const final = status === 'delivered' || status === 'returned_to_sender';
          const link = { kind: 'shipment' as const, id: shipmentId };
          return { effect: final ? 'stop' : 'renew', link, orderId, reason: `tracking: ${status}` };
        }
        case 'shipment.cancelled.v1':
          return { effect: 'stop', link: { kind: 'shipment', id: fact.data.shipmentId }, orderId: fact.data.orderId, reason: 'shipment cancelled' };
        default:
          return undefined;
      }
    },
  },
  {
    id: 'delivery-overdue',
    name: 'Delivery overdue',
    description: 'An order shipped and not delivered after the set time (14 days): the order turns red.',
    defaults: { ...base, afterHours: 14 * DAY, assignee: 'team:customer-service', priority: 'high', flagRed: true },
    title: ({ orderId }) => `Order ${orderId} not delivered 14 days after shipping`,
    signal: (fact) => {
      if (fact.type !== 'order.status-changed.v1') return undefined;
      const { orderId, to } = fact.data;
      if (to === 'shipped') return { effect: 'start', ...order(orderId) };
      if (to === 'delivered' || to === 'returned' || to === 'cancelled') return { effect: 'stop', ...order(orderId), reason: `order ${to}` };
      return undefined;
    },
  },
  {
    id: 'order-on-hold',
    name: 'Order on hold too long',
    description: 'An order stayed on hold longer than the set time.',
    defaults: { ...base, afterHours: DAY, assignee: 'team:ops', priority: 'high' },
    title: ({ orderId }) => `Order ${orderId} has been on hold too long`,
    signal: (fact) => {
      if (fact.type !== 'order.status-changed.v1') return undefined;
      const { orderId, from, to } = fact.data;
      if (to === 'on_hold') return { effect: 'start', ...order(orderId) };
      if (from === 'on_hold') return { effect: 'stop', ...order(orderId), reason: `order ${to}` };
      return undefined;
    },
  },
  {
    id: 'payment-review-waiting',
    name: 'Payment review waiting',
    description: 'Fraud screening holds a payment for review: someone must approve or reject it.',
    defaults: { ...base, assignee: 'team:payments', priority: 'high', dueInHours: 4 * HOUR },
    title: ({ orderId }) => `Review the payment of order ${orderId}`,
    signal: (fact) => {
      switch (fact.type) {
        case 'payment.review.v1':
          return { effect: 'start', ...order(fact.data.orderId) };
        case 'payment.approved.v1':
          return { effect: 'stop', ...order(fact.data.orderId), reason: 'payment approved' };
        case 'payment.declined.v1':
          return { effect: 'stop', ...order(fact.data.orderId), reason: 'payment rejected' };
        default:
          return orderEnded(fact);
      }
    },
  },
  {
    id: 'pack-order',
    name: 'Pack a paid and reserved order',
    description: 'The order is paid and its stock reserved: the location picks and packs it (or readies it for pickup).',
    defaults: { ...base, assignee: 'location:{locationId}', dueInHours: DAY },
    title: ({ orderId, locationId }) => `Pick and pack order ${orderId} at ${locationId}`,
    signal: (fact) => {
      switch (fact.type) {
        case 'fulfillment.opened.v1':
          return { effect: 'start', ...fulfillmentOf(fact.data) };
        case 'fulfillment.packed.v1':
          return { effect: 'stop', ...fulfillmentOf(fact.data), reason: 'packed' };
        case 'fulfillment.ready-for-pickup.v1':
          return { effect: 'stop', ...fulfillmentOf(fact.data), reason: 'ready for pickup' };
        case 'fulfillment.short-picked.v1':
          return fact.data.emptied ? { effect: 'stop', ...fulfillmentOf(fact.data), reason: 'nothing left to pick' } : undefined;
        case 'fulfillment.cancelled.v1':
          return fulfillmentsCancelled(fact.data);
        default:
          return undefined;
      }
    },
  },
  {
    id: 'stock-low',
    name: 'Stock low: replenish',
    description:
      'Available to promise of a SKU at a location fell to its reorder point: reorder it. The task closes itself when a movement (a receipt, a count) brings it back above the reorder point.',
    defaults: { ...base, assignee: 'team:purchasing', dueInHours: 2 * DAY },
    title: ({ link, locationId }) => `Replenish ${link.id.split('@')[0]} at ${locationId}`,
    signal: (fact) => {
      const link = (data: { sku: string; locationId: string }) => ({ kind: 'sku' as const, id: `${data.sku}@${data.locationId}` });
      if (fact.type === 'stock.low.v1') return { effect: 'start', link: link(fact.data), locationId: fact.data.locationId };
      if (fact.type === 'stock.replenished.v1')
        return { effect: 'stop', link: link(fact.data), locationId: fact.data.locationId, reason: `replenished: ${fact.data.available} available` };
      return undefined;
    },
  },
  {
    id: 'pickup-not-collected',
    name: 'Pickup not collected',
    description: 'Click & collect: the goods wait at the store and the customer has not come for the set time.',
    defaults: { ...base, afterHours: 3 * DAY, assignee: 'location:{locationId}' },
    title: ({ orderId, locationId }) => `Order ${orderId} not collected at ${locationId}: call the customer`,
    signal: (fact) => {
      switch (fact.type) {
        case 'fulfillment.ready-for-pickup.v1':
          return { effect: 'start', ...fulfillmentOf(fact.data) };
        case 'fulfillment.collected.v1':
          return { effect: 'stop', ...fulfillmentOf(fact.data), reason: 'collected' };
        case 'fulfillment.pickup-expired.v1':
          return { effect: 'stop', ...fulfillmentOf(fact.data), reason: 'pickup expired' };
        case 'fulfillment.cancelled.v1':
          return fulfillmentsCancelled(fact.data);
        default:
          return undefined;
      }
    },
  },
  {
    id: 'return-not-received',
    name: 'Return not received',
    description: 'A return was opened and its parcel has not arrived after the set time.',
    defaults: { ...base, afterHours: 14 * DAY, assignee: 'team:returns' },
    title: ({ link, orderId }) => `Return ${link.id} of order ${orderId} not received`,
    signal: (fact) => {
      if (fact.type === 'return.opened.v1') return { effect: 'start', link: { kind: 'return', id: fact.data.returnId }, orderId: fact.data.orderId };
      if (fact.type === 'return.received.v1')
        return { effect: 'stop', link: { kind: 'return', id: fact.data.returnId }, orderId: fact.data.orderId, reason: 'received' };
      return undefined;
    },
  },
  {
    id: 'refund-failed',
    name: 'Refund failed',
    description: 'The payment provider refused a refund: retry it (POST /v1/orders/{id}/returns/{returnId}/retry-refund) or pay back another way.',
    defaults: { ...base, assignee: 'team:payments', priority: 'urgent', dueInHours: 4 * HOUR },
    title: ({ link, orderId }) => `Refund of return ${link.id} (order ${orderId}) failed`,
    signal: (fact) => {
      if (fact.type === 'command.refused.v1' && fact.data.command === 'payment.refund.v1' && fact.data.returnId)
        return { effect: 'start', link: { kind: 'return', id: fact.data.returnId }, orderId: fact.data.orderId };
      if (fact.type === 'payment.refunded.v1')
        return { effect: 'stop', link: { kind: 'return', id: fact.data.returnId }, orderId: fact.data.orderId, reason: 'refunded' };
      return undefined;
    },
  },
  {
    id: 'webhook-delivery-failed',
    name: 'Webhook delivery failed',
    description:
      'A webhook receiver did not take an event through every retry: look at its delivery log, fix the receiver with its owner, redeliver. One task per subscription while it is open; it closes itself when a failed delivery is redelivered and taken.',
    defaults: { ...base, assignee: 'team:ops', priority: 'high', dueInHours: 4 * HOUR },
    title: ({ link }) => `Webhook deliveries of subscription ${link.id} are failing`,
    signal: (fact) => {
      if (fact.type === 'webhook.delivery-failed.v1') return { effect: 'start', link: { kind: 'webhook', id: fact.data.subscriptionId } };
      if (fact.type === 'webhook.delivery-recovered.v1')
        return { effect: 'stop', link: { kind: 'webhook', id: fact.data.subscriptionId }, reason: `redelivered and taken: ${fact.data.deliveryId}` };
      return undefined;
    },
  },
];

export function ruleById(id: string): RuleDefinition | undefined {
  return RULES.find((r) => r.id === id);
}

/** Every rule's meaning of a fact: the signals it raises, with their rule. */
export function signalsOf(fact: WatchedFact): { rule: RuleDefinition; signal: Signal }[] {
  return RULES.flatMap((rule) => {
    const signals = rule.signal(fact) ?? [];
    return (Array.isArray(signals) ? signals : [signals]).map((signal) => ({ rule, signal }));
  });
}

/** A rule's assignee with the situation's location filled in (`location:{locationId}`). */
export function assigneeFor(settings: RuleSettings, signal: Pick<Signal, 'locationId'>): string {
  return settings.assignee.replace('{locationId}', signal.locationId ?? 'unknown');
}
