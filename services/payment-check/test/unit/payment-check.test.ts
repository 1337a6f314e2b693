import { decideRefund, decideVoid, type PaymentCheckState } from '../../src/domain/payment-check';

describe('voiding and refunding a payment (domain)', () => {
  const approved: PaymentCheckState = { status: 'approved', amount: 5000, currency: 'EUR', method: 'card', authorizationId: 'auth-1', refunds: [] };
  const refund = (returnId: string, amount: number, currency = 'EUR') => ({ returnId, amount, currency });

  it('when an approved payment is voided, then the authorization is released at the provider', () => {
    expect(decideVoid(approved)).toEqual({ kind: 'void-at-provider', authorizationId: 'auth-1' });
  });

  it('when a declined payment is voided, then the void is only recorded: nothing is held on the card', () => {
    expect(decideVoid({ ...approved, status: 'declined', authorizationId: undefined })).toEqual({ kind: 'mark-voided' });
  });

  it('when there is no check or it is voided already, then a void changes nothing', () => {
    expect(decideVoid(null)).toEqual({ kind: 'nothing' });
    expect(decideVoid({ ...approved, status: 'voided' })).toEqual({ kind: 'nothing' });
  });

  it('when a refund fits the authorization, then it is refunded against it', () => {
    expect(decideRefund({ ...approved, refunds: [{ returnId: 'r0', amount: 3000, providerRef: 'p', at: new Date() }] }, refund('r1', 2000))).toEqual({
      kind: 'refund',
      authorizationId: 'auth-1',
    });
  });

  it('when the return was refunded already, then it is not refunded again, even after a void', () => {
    const refunded = { ...approved, status: 'voided' as const, refunds: [{ returnId: 'r1', amount: 2000, providerRef: 'p', at: new Date() }] };
    expect(decideRefund(refunded, refund('r1', 2000))).toEqual({ kind: 'already-refunded' });
  });

  it('when there is no approved payment, then the refund is refused with a conflict', () => {
    expect(() => decideRefund(null, refund('r1', 100))).toThrow(expect.objectContaining({ kind: 'conflict', status: 409 }));
    expect(() => decideRefund({ ...approved, status: 'declined' }, refund('r1', 100))).toThrow(expect.objectContaining({ kind: 'conflict' }));
  });

  it('when the refund is in another currency, not positive, or above what is left of the authorization, then it is refused as invalid', () => {
    const refused = (check: PaymentCheckState, r: ReturnType<typeof refund>) => () => decideRefund(check, r);
    expect(refused(approved, refund('r1', 100, 'USD'))).toThrow(expect.objectContaining({ kind: 'invalid', status: 422 }));
    expect(refused(approved, refund('r1', 0))).toThrow(expect.objectContaining({ kind: 'invalid' }));
    const partly = { ...approved, refunds: [{ returnId: 'r0', amount: 4000, providerRef: 'p', at: new Date() }] };
    expect(refused(partly, refund('r1', 1001))).toThrow(expect.objectContaining({ kind: 'invalid', detail: expect.stringContaining('exceed') }));
  });
});
