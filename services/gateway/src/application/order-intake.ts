import { Counter } from 'prom-client';
import type { CanonicalOrder } from '@oms/contracts';
import { AppError } from '@oms/errors';
import { deterministicId, orderIdOf } from '@oms/messaging';
import type { ChannelRecord, ChannelRepository } from '../data-access/channels';
import { CONFIRMED_MARKER, decideOnExistingMarker, INTAKE_MARKER_TTL_SECONDS, intakeMarkerKey, publishingMarker } from '../domain/intake/intake-marker';
import type { GatewayDeps } from './deps';

export type IntakeDeps = Pick<GatewayDeps, 'broker' | 'redis' | 'upstreams' | 'channels'>;

export interface IntakeResult {
  id: string;
  /** The order's status: `received` for a new one, the stored status for a duplicate (if asked for). */
  status?: string;
  outcome: 'created' | 'duplicate';
}

/**
 * Orders the gateway took in, by channel (a closed set: the channel must exist) and outcome: `created` once
 * the broker confirmed order.received.v1, `duplicate` for a resend. Counts orders, whatever the path
 * (one request of the batch or CSV import carries many).
 */
const ordersAccepted = new Counter({
  name: 'oms_orders_accepted_total',
  help: 'Orders accepted by the gateway, by channel and outcome (created, duplicate)',
  labelNames: ['channel', 'outcome'],
});

const redisUnavailable = () => new AppError(503, 'Service Unavailable', 'The intake store is unavailable; try again shortly');

/** The same channel order always maps to the same id, whatever path it came in by. */
export { orderIdOf };

/**
 * The one intake used by every channel (native API, batch, CSV, Shopify): the channel must exist, each
 * `(channel, externalId)` is published once while its Redis marker lives (10 minutes, see
 * domain/intake/intake-marker.ts), and a resend meanwhile answers the existing order. A later resend is
 * published again with the same event id and answered as created; ingestion's unique index drops it.
 * Throws AppErrors: 422 unknown channel, 409 the same order is being submitted right now, 503 Redis (down
 * or full: nothing is published then) or the broker unavailable (the marker is removed, so a retry publishes).
 */
export class OrderIntake {
  readonly channels: ChannelRepository;

  constructor(private readonly deps: IntakeDeps) {
    this.channels = deps.channels;
  }

  /** The channel record, or a 422 naming the `channel` field. */
  async channel(id: string, path = 'channel'): Promise<ChannelRecord> {
    let channel: ChannelRecord | null;
    try {
      channel = await this.channels.get(id);
    } catch {
      throw new AppError(503, 'Service Unavailable', 'Channel records are unavailable; try again shortly');
    }
    if (!channel)
      throw new AppError(422, 'Validation Failed', `There is no channel ${id}`, [
        { path, message: `no channel "${id}"; create it with PUT /v1/channels/${id}` },
      ]);
    return channel;
  }

  async submit(order: CanonicalOrder, actor: string, options: { lookupStatus?: boolean } = {}): Promise<IntakeResult> {
    await this.channel(order.channel);
    const id = orderIdOf(order.channel, order.externalId);
    const key = intakeMarkerKey(id);
    const redis = this.deps.redis;
    const claimed = await redis.set(key, publishingMarker(Date.now()), 'EX', INTAKE_MARKER_TTL_SECONDS, 'NX').catch(() => {
      throw redisUnavailable();
    });
    if (claimed !== 'OK') {
      const marker = await redis.get(key).catch(() => {
        throw redisUnavailable();
      });
      const decision = decideOnExistingMarker(marker, Date.now());
      if (decision === 'in_progress')
        throw new AppError(409, 'Conflict', `Order ${order.externalId} of channel ${order.channel} is being submitted by another request; try again shortly`);
      if (decision === 'duplicate') {
        ordersAccepted.inc({ channel: order.channel, outcome: 'duplicate' });
        return { id, outcome: 'duplicate', status: options.lookupStatus ? await this.statusOf(id) : undefined };
      }
      // 'republish': a gateway died mid-publish, or the marker vanished. Publishing again is safe (same event id).
      await redis.set(key, publishingMarker(Date.now()), 'EX', INTAKE_MARKER_TTL_SECONDS).catch(() => {
        throw redisUnavailable();
      });
    }
    try {
      await this.deps.broker.publish(
        'order.received.v1',
        { orderId: id, order, receivedAt: new Date().toISOString(), actor },
        { correlationId: id, id: deterministicId(id, 'order.received.v1') },
        { requireRoute: true },
      );
    } catch (err) {
      // Not confirmed: forget the claim so the client's retry publishes (and nobody hears "exists" meanwhile).
      await redis.del(key).catch(() => undefined);
      throw err;
    }
    // Not awaited: if this write is lost, the marker stays `publishing`, goes stale, and a resend after its
    // grace period publishes again, which ingestion drops as a duplicate.
    void redis.set(key, CONFIRMED_MARKER, 'KEEPTTL', 'XX').catch(() => undefined);
    ordersAccepted.inc({ channel: order.channel, outcome: 'created' });
    return { id, outcome: 'created', status: 'received' };
  }

  /** Status of an order that exists: ingestion's answer; not stored there yet means still `received`. */
  async statusOf(id: string): Promise<string> {
    try {
      const order = await this.deps.upstreams.ingestion.get<{ status: string }>(`/internal/orders/${encodeURIComponent(id)}`);
      return order.status;
    } catch (err) {
      if (err instanceof AppError && err.status === 404) return 'received';
      throw err;
    }
  }
}

/** One intake (and channel cache) per gateway instance, shared by the route modules. */
const intakes = new WeakMap<IntakeDeps, OrderIntake>();
export function orderIntake(deps: IntakeDeps): OrderIntake {
  let intake = intakes.get(deps);
  if (!intake) intakes.set(deps, (intake = new OrderIntake(deps)));
  return intake;
}
