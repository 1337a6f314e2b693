import { ORDER_STATUSES, type OrderStatus } from '@oms/contracts';
import { CANCELLABLE, TRANSITIONS, canTransition } from '../src/domain/order-status';

describe('order state machine', () => {
  const allowed: Array<[OrderStatus, OrderStatus]> = [
    ['received', 'pending'],
    ['received', 'on_hold'],
    ['pending', 'on_hold'],
    ['pending', 'ready_to_fulfill'],
    ['pending', 'rejected'],
    ['pending', 'cancelled'],
    ['on_hold', 'pending'],
    ['on_hold', 'cancelled'],
    ['ready_to_fulfill', 'packed'],
    ['ready_to_fulfill', 'cancelled'],
    ['packed', 'shipped'],
    ['shipped', 'in_transit'],
    ['shipped', 'delivered'],
    ['in_transit', 'delivered'],
    ['delivered', 'returned'],
  ];
  it.each(allowed)('when an order is %s, then it may become %s', (from, to) => {
    expect(canTransition(from, to)).toBe(true);
  });

  const forbidden: Array<[OrderStatus, OrderStatus]> = [
    ['received', 'delivered'],
    ['pending', 'packed'],
    ['packed', 'cancelled'],
    ['shipped', 'cancelled'],
    ['delivered', 'pending'],
    ['cancelled', 'pending'],
    ['rejected', 'ready_to_fulfill'],
    ['returned', 'delivered'],
  ];
  it.each(forbidden)('when an order is %s, then it may not become %s', (from, to) => {
    expect(canTransition(from, to)).toBe(false);
  });

  it('when the table is read, then every public status has an entry and terminal statuses lead nowhere', () => {
    expect(Object.keys(TRANSITIONS).sort()).toEqual([...ORDER_STATUSES].sort());
    for (const terminal of ['returned', 'cancelled', 'rejected'] as const) expect(TRANSITIONS[terminal]).toEqual([]);
    for (const status of CANCELLABLE) expect(canTransition(status, 'cancelled')).toBe(true);
  });
});
