import { noChange, type OrderChange, type OrderState } from '../../src/domain/order';
import { milestonesReached } from '../../src/domain/milestones';

const order = (status: OrderState['status'], checks: OrderState['checks']) => ({ status, checks });
const change = (set: OrderChange['set']): OrderChange => ({ ...noChange(), set });

describe('order milestones (end-to-end latency labels)', () => {
  it('when an accepted order is stored as pending, then it reaches pending', () => {
    expect(milestonesReached(order('received', { stock: 'pending', payment: 'pending' }), change({ status: 'pending' }))).toEqual(['pending']);
  });

  it('when the last check passes, then the check and ready_to_fulfill are reached in one change', () => {
    const before = order('pending', { stock: 'reserved', payment: 'pending' });
    expect(milestonesReached(before, change({ checks: { stock: 'reserved', payment: 'approved' }, status: 'ready_to_fulfill' }))).toEqual([
      'payment_approved',
      'ready_to_fulfill',
    ]);
  });

  it('when stock is reserved while payment is still pending, then only stock_reserved is reached', () => {
    const before = order('pending', { stock: 'pending', payment: 'pending' });
    expect(milestonesReached(before, change({ checks: { stock: 'reserved', payment: 'pending' } }))).toEqual(['stock_reserved']);
  });

  it('when a change leaves status and checks as they were, then no milestone is reached', () => {
    const before = order('shipped', { stock: 'consumed', payment: 'approved' });
    expect(milestonesReached(before, change({ status: 'shipped', checks: { stock: 'consumed', payment: 'approved' } }))).toEqual([]);
    expect(milestonesReached(before, noChange())).toEqual([]);
  });
});
