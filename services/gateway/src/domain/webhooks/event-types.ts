import type { Envelope, QueueMessageType } from '@oms/contracts';

/** The event types a webhook subscription may ask for: exactly those of the queue `gateway.webhooks`. */
export type WebhookEventType = QueueMessageType<'gateway.webhooks'>;

/**
 * Whose events they are: a channel's (its orders' notifications and status changes), a carrier's (its
 * shipments) or ops' alone (stock alerts: only subscriptions of ops keys, scope `all`, get them).
 */
export type Audience = 'channel' | 'partner' | 'ops';

/**
 * The closed list of public event types (docs/webhooks.md), each with the audience that may subscribe to it.
 * A Record over the queue's events: a type added to the queue does not compile until it is listed here.
 */
export const WEBHOOK_EVENTS: { readonly [T in WebhookEventType]: { audience: Audience; summary: string } } = {
  'order.accepted.v1': { audience: 'channel', summary: 'the order was stored (its status: pending or on hold)' },
  'order.status-changed.v1': { audience: 'channel', summary: 'the order moved from one status to another (status sync back to the channel)' },
  'stock.low.v1': { audience: 'ops', summary: 'available to promise of a SKU at a location fell to its reorder point' },
  'notification.order-confirmed.v1': { audience: 'channel', summary: 'the order passed its checks and goes to the warehouse' },
  'notification.shipped.v1': { audience: 'channel', summary: 'a parcel left with its carrier: carrier, tracking number and link' },
  'notification.delivered.v1': { audience: 'channel', summary: 'every parcel of the order was delivered' },
  'notification.ready-for-pickup.v1': { audience: 'channel', summary: 'click & collect: the order waits at the store, with the pickup code' },
  'notification.refund-issued.v1': { audience: 'channel', summary: 'money of a return was paid back' },
  'shipment.booked.v1': { audience: 'partner', summary: 'a parcel was booked with the carrier' },
  'shipment.tracking-updated.v1': { audience: 'partner', summary: 'a tracking scan of a parcel was recorded' },
  'shipment.handed-over.v1': { audience: 'partner', summary: 'the partner confirmed it took the parcel' },
  'shipment.cancelled.v1': { audience: 'partner', summary: 'a booking was voided before the parcel left' },
  'rule.triggered.v1': { audience: 'ops', summary: 'a trigger rule acted: the task it opened, the order it flagged red' },
};

export const WEBHOOK_EVENT_TYPES = Object.keys(WEBHOOK_EVENTS) as [WebhookEventType, ...WebhookEventType[]];

export const isWebhookEventType = (type: string): type is WebhookEventType => Object.prototype.hasOwnProperty.call(WEBHOOK_EVENTS, type);

/**
 * The tenant an event belongs to, as a subscription's scope names it: `channel:<id>` for a customer
 * notification, `partner:<carrier id>` for a shipment event (undefined for a scan reported before events named
 * their carrier: only `all` subscriptions get it).
 */
export function tenantOf(type: WebhookEventType, data: unknown): string | undefined {
  const fields = data as { channel?: string; carrierId?: string };
  if (WEBHOOK_EVENTS[type].audience === 'ops') return undefined;
  if (WEBHOOK_EVENTS[type].audience === 'channel') return fields.channel ? `channel:${fields.channel}` : undefined;
  return fields.carrierId ? `partner:${fields.carrierId}` : undefined;
}

/**
 * The body a receiver gets: the event's envelope without the fields that only mean something inside the OMS
 * (producer, correlation and causation ids), and without what one tenant must not see of another (rate
 * shopping's alternatives name other carriers and their prices). `id` stays the event's id: the receiver
 * drops repeats by it.
 */
export function publicEvent(envelope: Pick<Envelope, 'id' | 'type' | 'occurredAt' | 'data'>): { id: string; type: string; occurredAt: string; data: unknown } {
  let data = envelope.data;
  if (envelope.type === 'shipment.booked.v1') {
    const { rate, ...rest } = data as { rate?: { alternatives?: unknown } & Record<string, unknown> };
    if (rate) {
      const { alternatives: _alternatives, ...chosen } = rate;
      data = { ...rest, rate: chosen };
    }
  }
  return { id: envelope.id, type: envelope.type, occurredAt: envelope.occurredAt, data };
}
