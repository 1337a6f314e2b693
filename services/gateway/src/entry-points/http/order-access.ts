import { AppError } from '@oms/errors';
import type { Response } from '@oms/http';
import { assertMayReadChannel, channelsOf, isOps, principalOf } from './auth';
import { seg, type GatewayDeps } from './deps';

/** The carriers (3PL partners) whose shipments this key may see: `partner:<id>` roles. */
export const partnersOf = (res: Response): string[] =>
  principalOf(res)
    .roles.filter((r) => r.startsWith('partner:'))
    .map((r) => r.slice('partner:'.length));

/**
 * Reading something of an order (its payments, shipments, returns): ops always; a channel key for its own
 * channel's orders, another channel's order being a 404 as if it did not exist; any other key gets 403.
 */
export async function assertMayReadOrder(deps: GatewayDeps, res: Response, orderId: string): Promise<void> {
  const principal = principalOf(res);
  if (isOps(principal)) return;
  if (channelsOf(principal).length === 0) throw new AppError(403, 'Forbidden', "This key's roles do not cover orders");
  const order = await deps.upstreams.ingestion.get<{ channel: string }>(`/internal/orders/${seg(orderId)}`);
  assertMayReadChannel(res, order.channel, `Order ${orderId}`);
}
