import { HOLD_REASONS, ORDER_STATUSES, type OrderStatus } from '@oms/contracts';
import { AMENDABLE, CANCELLABLE, TRANSITIONS, canTransition } from '../../src/domain/order-status';

describe('order state machine', () => {
  /** The specification: every transition the order may make, and no other. */
  const allowed: Array<[OrderStatus, OrderStatus]> = [
    ['received', 'pending'],
    ['received', 'on_hold'],
    ['received', 'cancelled'],
    ['received', 'rejected'],
    ['pending', 'awaiting_payment'],
    ['pending', 'on_hold'],
    ['pending', 'ready_to_fulfill'],
    ['pending', 'cancelled'],
    ['pending', 'rejected'],
    ['awaiting_payment', 'pending'],
    ['awaiting_payment', 'on_hold'],
    ['awaiting_payment', 'cancelled'],
    ['awaiting_payment', 'rejected'],
    ['on_hold', 'pending'],
    ['on_hold', 'ready_to_fulfill'],
    ['on_hold', 'cancelled'],
    ['on_hold', 'rejected'],
    ['ready_to_fulfill', 'packed'],
    ['ready_to_fulfill', 'on_hold'],
    ['ready_to_fulfill', 'cancelled'],
    ['packed', 'shipped'],
    ['shipped', 'in_transit'],
    ['shipped', 'delivered'],
    ['shipped', 'returned'],
    ['ready_to_fulfill', 'ready_for_pickup'],
    ['ready_for_pickup', 'delivered'],
    ['ready_for_pickup', 'cancelled'],
    ['in_transit', 'partially_delivered'],
    ['shipped', 'partially_delivered'],
    ['partially_delivered', 'delivered'],
    ['partially_delivered', 'returned'],
    ['in_transit', 'delivered'],
    ['in_transit', 'returned'],
    ['delivered', 'returned'],
  ];
  it.each(allowed)('when an order is %s, then it may become %s', (from, to) => {
    expect(canTransition(from, to)).toBe(true);
  });

  it('when the table is compared with the specification, then it allows exactly those transitions', () => {
    const inTable = Object.entries(TRANSITIONS).flatMap(([from, tos]) => tos.map((to) => `${from} → ${to}`));
    expect(inTable.sort()).toEqual(allowed.map(([from, to]) => `${from} → ${to}`).sort());
  });

  const forbidden: Array<[OrderStatus, OrderStatus]> = [
    ['received', 'delivered'],
    ['received', 'packed'],
    ['pending', 'packed'],
    ['pending', 'shipped'],
    ['on_hold', 'packed'],
    ['awaiting_payment', 'ready_to_fulfill'],
    ['awaiting_payment', 'packed'],
    ['ready_to_fulfill', 'pending'],
    ['ready_to_fulfill', 'rejected'],
    ['packed', 'cancelled'],
    ['packed', 'on_hold'],
    ['shipped', 'cancelled'],
    ['shipped', 'packed'],
    ['in_transit', 'shipped'],
    ['delivered', 'pending'],
    ['delivered', 'in_transit'],
    ['partially_delivered', 'in_transit'],
    ['cancelled', 'pending'],
    ['cancelled', 'ready_to_fulfill'],
    ['rejected', 'ready_to_fulfill'],
    ['rejected', 'pending'],
    ['returned', 'delivered'],
    ['pending', 'pending'],
  ];
  it.each(forbidden)('when an order is %s, then it may not become %s', (from, to) => {
    expect(canTransition(from, to)).toBe(false);
  });

  it('when the table is read, then every public status has an entry and terminal statuses lead nowhere', () => {
    expect(Object.keys(TRANSITIONS).sort()).toEqual([...ORDER_STATUSES].sort());
    for (const terminal of ['returned', 'cancelled', 'rejected'] as const) expect(TRANSITIONS[terminal]).toEqual([]);
    for (const status of CANCELLABLE) expect(canTransition(status, 'cancelled')).toBe(true);
  });

  it('when an order can be changed, then it can also be cancelled and nothing has gone to the warehouse yet', () => {
    expect([...AMENDABLE].sort()).toEqual(['awaiting_payment', 'on_hold', 'pending', 'received']);
    for (const status of AMENDABLE) expect(CANCELLABLE).toContain(status);
    expect(AMENDABLE).not.toContain('ready_to_fulfill');
  });

  it('when holds are named, then every reason of the issue is a typed hold reason', () => {
    expect(HOLD_REASONS).toEqual(expect.arrayContaining(['stock_short', 'payment_review', 'address_invalid', 'amount_mismatch', 'customer_decision']));
  });
});
