import type { Fact, MessageData, MessageType } from '@oms/contracts';
import { sampleOrder } from '@oms/testing';
import type { OrderChange, OrderState } from '../../src/domain/order';

/** Orders and reported facts for the pure tests of the order process. */
export const ID = 'a1b2c3d4-0000-5000-a000-000000000001';

/** A paid, reserved, pending order: change any field with `overrides`. */
export function orderIn(overrides: Partial<OrderState> = {}): OrderState {
  return {
    ...sampleOrder(),
    id: ID,
    status: 'pending',
    holds: [],
    checks: { stock: 'reserved', payment: 'approved' },
    checkKeys: { stock: ID, payment: ID },
    allocation: [{ sku: 'TSHIRT-BLK-M', quantity: 2, locationId: 'berlin' }],
    fulfillments: [],
    shipments: [],
    returns: [],
    timeline: [],
    createdAt: '2026-01-01T10:00:00.000Z',
    ...overrides,
  };
}

/** A fact as a message brings it: its type checked against its data by the compiler. */
export function fact<T extends MessageType>(type: T, data: MessageData<T>, producer = 'gateway'): Fact<T> & { id: string } {
  return { id: `m-${type}`, type, data, occurredAt: '2026-01-01T11:00:00.000Z', producer };
}

/** The messages a change sends, as [type, orderId-or-key]. */
export const sent = (change: OrderChange) => change.send.map((s) => [s.type, (s.data as { orderId?: string }).orderId]);
/** The message types a change sends. */
export const sentTypes = (change: OrderChange) => change.send.map((s) => s.type);
