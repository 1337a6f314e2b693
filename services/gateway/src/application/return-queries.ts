import type { Principal } from '../domain/access/principal';
import { queryString, seg, type QueryDeps } from './deps';
import { assertMayReadOrder } from './order-access';

/** One return, for a key that may read its order. */
export async function returnById(deps: QueryDeps, principal: Principal, id: string): Promise<unknown> {
  const found = await deps.upstreams.returns.get<{ orderId: string }>(`/internal/returns/${seg(id)}`);
  await assertMayReadOrder(deps, principal, found.orderId);
  return found;
}

export interface ReturnListRequest {
  status?: 'requested' | 'received';
  cursor?: string;
  limit?: number;
}

/** A page of every return, newest first (ops only: the route checks). */
export function returnList(deps: QueryDeps, request: ReturnListRequest): Promise<unknown> {
  return deps.upstreams.returns.get(`/internal/returns?${queryString({ ...request })}`);
}
