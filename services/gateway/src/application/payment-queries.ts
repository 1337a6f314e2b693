import type { Principal } from '../domain/access/principal';
import { seg, type QueryDeps } from './deps';
import { assertMayReadOrder } from './order-access';

/** The payment checks of an order, for a key that may read the order. */
export async function paymentsOfOrder(deps: QueryDeps, principal: Principal, orderId: string): Promise<unknown> {
  await assertMayReadOrder(deps, principal, orderId);
  return deps.upstreams.paymentCheck.get(`/internal/payments?orderId=${seg(orderId)}`);
}
