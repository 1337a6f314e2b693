import { ORDER_STATUSES, type OrderStatus } from '@oms/contracts';
import type { OrderChange, OrderState } from './order';

/**
 * Steps of an order's life worth timing from its acceptance at the gateway: every status it enters, and
 * the two checks that gate fulfillment. A closed list (a metric label), whatever the order looks like.
 */
/** Every status but the first: an order is accepted as `received`, so entering it is not a step. */
const ENTERED_STATUSES = ORDER_STATUSES.filter((s): s is Exclude<OrderStatus, 'received'> => s !== 'received');
export const MILESTONES = ['stock_reserved', 'payment_approved', ...ENTERED_STATUSES] as const;
export type Milestone = (typeof MILESTONES)[number];

/** The milestones one change reaches. A status entered again (back to pending after a hold) counts again. */
export function milestonesReached(before: Pick<OrderState, 'status' | 'checks'>, change: OrderChange): Milestone[] {
  const reached: Milestone[] = [];
  const checks = change.set.checks;
  if (checks?.stock === 'reserved' && before.checks.stock !== 'reserved') reached.push('stock_reserved');
  if (checks?.payment === 'approved' && before.checks.payment !== 'approved') reached.push('payment_approved');
  const status: OrderStatus | undefined = change.set.status;
  if (status && status !== before.status && status !== 'received') reached.push(status);
  return reached;
}
