import type { Principal } from '../domain/access/principal';
import { seg, type QueryDeps } from './deps';
import { assertMayReadOrder } from './order-access';

/** One return, for a key that may read its order. */
export async function returnById(deps: QueryDeps, principal: Principal, id: string): Promise<unknown> {
  const found = await deps.upstreams.returns.get<{ orderId: string }>(`/internal/returns/${seg(id)}`);
  await assertMayReadOrder(deps, principal, found.orderId);
  return found;
}
