import { DEFAULT_SHIPPING_COVERAGE } from '@oms/contracts';
import { AppError } from '@oms/errors';
import { acceptOrder } from '../../src/domain/accept-order';
import { releaseHold } from '../../src/domain/order-amend';
import { paymentStatusOf, NO_PAYMENT_AMOUNTS } from '../../src/domain/payment-status';
import { reactTo } from '../../src/domain/reactions';
import { rejectOrder } from '../../src/domain/reject-order';
import { fact, ID, orderIn, sent } from './order-fixtures';

/** A payment held for a fraud review, as the order process sees it: hold, approve by release, reject. */

const screening = {
  score: 60,
  outcome: 'review' as const,
  reasons: ['disposable email domain (+40)', 'billing country NL differs from shipping country DE (+20)'],
};
const review = () => fact('payment.review.v1', { orderId: ID, checkId: 'chk-1', amount: 4493, currency: 'EUR', screening }, 'payment-check');
const inReview = () => {
  const order = orderIn({ checks: { stock: 'reserved', payment: 'pending' } });
  const change = reactTo(order, review());
  return { ...order, ...change.set, timeline: change.timeline };
};

describe('fraud review of an order', () => {
  it('when payment-check asks for a review, then the order is held payment_review with the score and reasons, and its payment shows in_review', () => {
    const order = orderIn({ checks: { stock: 'reserved', payment: 'pending' } });
    const change = reactTo(order, review());
    expect(change.set.status).toBe('on_hold');
    expect(change.set.holds).toEqual([
      expect.objectContaining({
        reason: 'payment_review',
        score: 60,
        reasons: screening.reasons,
        detail: expect.stringMatching(/^fraud score 60 \(disposable/),
      }),
    ]);
    expect(change.set.checks).toEqual({ stock: 'reserved', payment: 'review' });
    expect(paymentStatusOf({ ...order, checks: change.set.checks! }, NO_PAYMENT_AMOUNTS)).toBe('in_review');
    expect(change.timeline[0]).toMatchObject({ type: 'payment_review', detail: expect.stringContaining('fraud score 60') });
    expect(change.send.map((s) => s.type)).toEqual(['order.status-changed.v1']);
  });

  it('when ops release the payment_review hold, then payment-check is asked to approve it, with who and why, and the order is pending again', () => {
    const order = inReview();
    const change = releaseHold(
      order,
      fact('order.release-hold.v1', { orderId: ID, reason: 'payment_review', note: 'called the customer', actor: 'api-key:ops' }),
    );
    expect(change.send).toContainEqual({
      type: 'payment.decide-review.v1',
      data: { orderId: ID, decision: 'approve', actor: 'api-key:ops', note: 'called the customer' },
    });
    expect(change.set.status).toBe('pending');
    expect(change.timeline[0]).toMatchObject({ type: 'hold_released', actor: 'api-key:ops', detail: 'payment_review: called the customer' });
    // No second payment check: the reviewed one goes on.
    expect(change.send.map((s) => s.type)).not.toContain('payment.check.v1');
  });

  it('when the approval comes back, then the reserved order goes to the warehouse, and the timeline names who approved', () => {
    const order = { ...inReview(), status: 'pending' as const, holds: [] };
    const change = reactTo(
      order,
      fact(
        'payment.approved.v1',
        { orderId: ID, checkId: 'chk-1', amount: 4493, currency: 'EUR', providerRef: 'auth-1', screening, reviewedBy: 'api-key:ops' },
        'payment-check',
      ),
    );
    expect(change.set.status).toBe('ready_to_fulfill');
    expect(change.timeline[0]).toMatchObject({
      type: 'payment_approved',
      actor: 'api-key:ops',
      detail: expect.stringContaining('approved in review by api-key:ops'),
    });
  });

  it('when ops reject it, then the order is rejected at once, its stock released and payment-check asked to void and decline', () => {
    const order = inReview();
    const change = rejectOrder(order, fact('order.reject.v1', { orderId: ID, note: 'stolen card reported', actor: 'api-key:ops' }));
    expect(change.set.status).toBe('rejected');
    expect(change.set.holds).toEqual([]);
    expect(sent(change)).toEqual([
      ['order.status-changed.v1', ID],
      ['stock.release.v1', ID],
      ['payment.decide-review.v1', ID],
    ]);
    expect(change.timeline[0]).toMatchObject({ type: 'review_rejected', actor: 'api-key:ops', detail: 'stolen card reported' });
    // The decline that follows releases nothing twice.
    const after = { ...order, ...change.set };
    const declined = reactTo(
      after,
      fact('payment.declined.v1', { orderId: ID, checkId: 'chk-1', reason: 'rejected in fraud review', reviewedBy: 'api-key:ops' }, 'payment-check'),
    );
    expect(declined.send).toEqual([]);
  });

  it('when an order without a review is rejected, then it is refused (409) and nothing changes', () => {
    const order = orderIn();
    expect(() => rejectOrder(order, fact('order.reject.v1', { orderId: ID, actor: 'api-key:ops' }))).toThrow(
      expect.objectContaining({ status: 409, detail: expect.stringMatching(/^Only an order held for a payment review can be rejected; this one is pending/) }),
    );
    expect(() => rejectOrder(order, fact('order.reject.v1', { orderId: ID, actor: 'api-key:ops' }))).toThrow(AppError);
  });

  it('when the renewal of an authorization is declined before shipping, then the order is held payment_review saying why; after shipping it is only noted', () => {
    const declined = fact(
      'payment.reauthorization-declined.v1',
      { orderId: ID, checkId: 'chk-1', reason: 'insufficient_funds', expiresAt: '2026-01-08T10:00:00.000Z' },
      'payment-check',
    );
    const ready = orderIn({ status: 'ready_to_fulfill' });
    const held = reactTo(ready, declined);
    expect(held.set.status).toBe('on_hold');
    expect(held.set.holds).toEqual([
      expect.objectContaining({ reason: 'payment_review', detail: expect.stringMatching(/declined a new one \(insufficient_funds\)/) }),
    ]);
    const shipped = reactTo(orderIn({ status: 'shipped' }), declined);
    expect(shipped.set.status).toBeUndefined();
    expect(shipped.timeline[0]).toMatchObject({ type: 'payment_reauthorization_declined' });
  });

  it('when an order is accepted, then its payment check carries the risk signals screening needs', () => {
    const { order } = { order: orderIn() };
    const { change } = acceptOrder(
      ID,
      { ...order, customer: { ...order.customer, ip: '203.0.113.7' }, billingAddress: { ...order.shippingAddress, country: 'NL' } },
      fact('order.received.v1', { orderId: ID, order, receivedAt: '2026-01-01T10:00:00.000Z', actor: 'api-key:shop' }),
      DEFAULT_SHIPPING_COVERAGE,
    );
    const check = change.send.find((s) => s.type === 'payment.check.v1')!;
    expect(check.data).toMatchObject({
      risk: { email: 'anna.schmidt@example.com', phone: '+49 30 1234567', ip: '203.0.113.7', billingCountry: 'NL', shippingMethod: 'standard', total: 4493 },
    });
  });
});
