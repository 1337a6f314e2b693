import type { Broker, CommandClient } from '@oms/messaging';
import type { Redis } from '@oms/redis';
import type { ChannelRepository } from '../data-access/channels';
import type { Upstreams } from '../data-access/upstreams';
import type { WebhookDeps, WebhookDispatcher } from './webhook-delivery';

/** What the use cases need; service.ts builds it once per gateway instance. */
export interface GatewayDeps {
  /** Events the gateway publishes itself (order.received.v1). */
  broker: Broker;
  commands: CommandClient;
  /** How long a command waits for its handler's answer before the client gets a 202. */
  commandTimeoutMs: number;
  /** The internal query APIs of the other services. */
  upstreams: Upstreams;
  /** Intake markers (exactly once per channel order) and webhook-id dedupe. */
  redis: Redis;
  /** The gateway's own channel records. */
  channels: ChannelRepository;
  /** Webhook subscriptions and their deliveries (docs/webhooks.md). */
  webhooks: { deps: WebhookDeps; dispatcher: WebhookDispatcher };
}

/** What the query use cases need: the internal query APIs only. */
export type QueryDeps = Pick<GatewayDeps, 'upstreams'>;

/** Ids from a request put into an internal URL: one path segment or query value each. */
export const seg = (value: string) => encodeURIComponent(value);

/** A validated query passed on to an internal query API: the values given, as a query string. */
export function queryString(query: Record<string, unknown>): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
  return params;
}
