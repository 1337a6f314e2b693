import { NO_PAYMENT_AMOUNTS, paymentStatusOf, totalsWithPayments } from '../../src/domain/payment-status';
import { orderIn } from './order-fixtures';

describe('the payment as clients see it', () => {
  const amounts = (authorized: number, captured: number, refunded: number) => ({ authorized, captured, refunded });

  it.each([
    ['pending', 'card', 'pending', NO_PAYMENT_AMOUNTS],
    ['approved', 'card', 'authorized', amounts(4493, 0, 0)],
    ['captured', 'card', 'captured', amounts(4493, 4493, 0)],
    ['refunded', 'card', 'partially_refunded', amounts(4493, 4493, 3998)],
    ['refunded', 'card', 'refunded', amounts(4493, 4493, 4493)],
    ['declined', 'card', 'declined', NO_PAYMENT_AMOUNTS],
    ['voided', 'card', 'voided', NO_PAYMENT_AMOUNTS],
    ['approved', 'invoice', 'pending', NO_PAYMENT_AMOUNTS],
    ['approved', 'marketplace', 'captured', amounts(0, 4493, 0)],
  ] as const)('when the check is %s for a %s payment, then the payment is %s', (check, method, status, reported) => {
    const order = orderIn({ checks: { stock: 'reserved', payment: check }, payment: { ...orderIn().payment, method } });
    expect(paymentStatusOf(order, reported)).toBe(status);
  });

  it('when money was captured and part refunded, then the totals say what was paid and what is outstanding', () => {
    const order = orderIn({ payment: { ...orderIn().payment, amount: 3493, giftCards: [{ reference: 'GC-1', amount: 1000 }] } });
    expect(totalsWithPayments(order, NO_PAYMENT_AMOUNTS)).toMatchObject({ total: 4493, paid: 1000, captured: 0, refunded: 0, outstanding: 3493 });
    expect(totalsWithPayments(order, amounts(3493, 3493, 500))).toMatchObject({ total: 4493, paid: 4493, captured: 3493, refunded: 500, outstanding: 0 });
  });
});
