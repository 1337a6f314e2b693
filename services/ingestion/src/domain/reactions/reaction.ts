import type { Fact, MessageType } from '@oms/contracts';
import type { OrderChange, OrderState } from '../order';

/**
 * How the order reacts to one fact another service reports about it: what changes on the order and what it
 * asks for next, added to `change`. Pure: the caller stores the change and sends its messages in one write.
 */
export type Reaction<T extends MessageType> = (order: OrderState, fact: Fact<T>, change: OrderChange) => void;

/** Record new check results over those the order (and this change) already has. */
export function checks(order: OrderState, change: OrderChange, patch: Partial<OrderState['checks']>): void {
  change.set.checks = { ...order.checks, ...change.set.checks, ...patch };
}
