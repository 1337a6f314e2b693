import type { OrderStatus } from '@oms/contracts';
import type { OrderChange, OrderState } from './order';

/**
 * Steps of an order's life worth timing from its acceptance at the gateway: every status it enters, and
 * the two checks that gate fulfillment. A closed list (a metric label), whatever the order looks like.
 */
export const MILESTONES = [
  'stock_reserved',
  'payment_approved',
  'pending',
  'on_hold',
  'ready_to_fulfill',
  'packed',
  'shipped',
  'in_transit',
  'delivered',
  'returned',
  'cancelled',
  'rejected',
] as const;
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
