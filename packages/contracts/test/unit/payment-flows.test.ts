import { paymentFlowOf } from '../../src/payment-flows';

describe('payment flows', () => {
  it.each([
    ['card', 'authorize'],
    ['paypal', 'authorize'],
    ['some_new_wallet', 'authorize'],
    ['invoice', 'invoice'],
    ['Rechnung', 'invoice'],
    ['Cash on Delivery (COD)', 'invoice'],
    ['nachnahme', 'invoice'],
    ['marketplace', 'channel'],
    ['bank_transfer', 'prepayment'],
    ['Vorkasse', 'prepayment'],
    ['Bank Deposit', 'prepayment'],
  ])('when the method is %s, then it is paid by %s', (method, flow) => {
    expect(paymentFlowOf(method)).toBe(flow);
  });
});
