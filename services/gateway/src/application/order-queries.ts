import { channelsOf, type Principal } from '../domain/access/principal';
import { queryString, type QueryDeps } from './deps';
import { visibleOrder } from './order-access';

export { visibleOrder };

/** One page of the order list: a channel key sees its own channels' orders only, a key without channel roles none. */
export async function listOrders(deps: QueryDeps, principal: Principal, query: Record<string, unknown>): Promise<unknown> {
  const channels = channelsOf(principal);
  if (channels !== 'all' && channels.length === 0) return { items: [], nextCursor: null };
  const params = queryString(query);
  if (channels !== 'all') params.set('channels', channels.join(','));
  return deps.upstreams.ingestion.get(`/internal/orders?${params}`);
}
