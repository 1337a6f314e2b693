import type { Model } from 'mongoose';
import type { OutboxRelay } from '@oms/outbox';
import type { AggregateLocks } from '@oms/redis';
import type { DeliveredOrderDoc } from '../../data-access/delivered-order.model';
import type { ReturnDoc } from '../../data-access/return.model';

export interface ReturnsDeps {
  Returns: Model<ReturnDoc>;
  DeliveredOrders: Model<DeliveredOrderDoc>;
  locks: AggregateLocks;
  outbox: OutboxRelay;
}

export const returnLockKey = (returnId: string) => `return:${returnId}`;
/** Serialises the opening of returns of one order: each checks what the others already asked for. */
export const orderReturnsLockKey = (orderId: string) => `returns-of-order:${orderId}`;
