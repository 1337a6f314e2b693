import type { OrderStatus } from '@oms/contracts';

/** Every transition the order state machine allows; anything else is refused. */
export const TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  received: ['pending', 'on_hold', 'cancelled', 'rejected'],
  pending: ['awaiting_payment', 'on_hold', 'ready_to_fulfill', 'cancelled', 'rejected'],
  awaiting_payment: ['pending', 'on_hold', 'cancelled', 'rejected'],
  on_hold: ['pending', 'ready_to_fulfill', 'cancelled', 'rejected'],
  ready_to_fulfill: ['packed', 'ready_for_pickup', 'on_hold', 'cancelled'],
  ready_for_pickup: ['delivered', 'cancelled'],
  packed: ['shipped'],
  shipped: ['in_transit', 'partially_delivered', 'delivered', 'returned'],
  in_transit: ['partially_delivered', 'delivered', 'returned'],
  partially_delivered: ['delivered', 'returned'],
  delivered: ['returned'],
  returned: [],
  cancelled: [],
  rejected: [],
};

/** Statuses from which an order can still be cancelled (nothing has left the warehouse shelf, or the store, yet). */
export const CANCELLABLE: readonly OrderStatus[] = ['received', 'pending', 'awaiting_payment', 'on_hold', 'ready_to_fulfill', 'ready_for_pickup'];

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/**
 * Statuses in which the shipping address and the lines may still change. Once a fulfillment is opened
 * (ready_to_fulfill) the warehouse works from it, so a change would first have to cancel that work: refused.
 */
export const AMENDABLE: readonly OrderStatus[] = ['received', 'pending', 'awaiting_payment', 'on_hold'];
