import { checkOpen, checkReopen, decideReceive, type DeliveredOrder } from '../../src/domain/return';

describe('opening and receiving a return (domain)', () => {
  const delivered: DeliveredOrder = {
    channel: 'shop',
    currency: 'EUR',
    lines: [{ sku: 'A', quantity: 2, unitPrice: 1250 }],
    deliveredAt: new Date('2025-01-01T00:00:00Z'),
  };

  it('when a return is asked for again under its id for the same order, then it is the same request', () => {
    expect(() => checkReopen({ orderId: 'o1' }, 'r1', 'o1')).not.toThrow();
  });

  it('when a return id of another order is asked for, then it is refused with a conflict', () => {
    expect(() => checkReopen({ orderId: 'o2' }, 'r1', 'o1')).toThrow(
      expect.objectContaining({ kind: 'conflict', detail: 'return r1 already exists for another order' }),
    );
  });

  it('when the order was not delivered, then the return is refused with a conflict', () => {
    expect(() => checkOpen(null, [], [{ sku: 'A', quantity: 1 }])).toThrow(
      expect.objectContaining({ kind: 'conflict', status: 409, detail: 'order is not delivered' }),
    );
  });

  it('when the return fits what is left of the delivered order, then it may be opened', () => {
    expect(() => checkOpen(delivered, [{ sku: 'A', quantity: 1 }], [{ sku: 'A', quantity: 1 }])).not.toThrow();
  });

  it('when the return asks for more than is left, then it is refused as invalid, naming the line', () => {
    expect(() => checkOpen(delivered, [{ sku: 'A', quantity: 2 }], [{ sku: 'A', quantity: 1 }])).toThrow(
      expect.objectContaining({ kind: 'invalid', status: 422, errors: [{ path: 'lines.0.quantity', message: expect.any(String) }] }),
    );
  });

  it('when a requested return is received with what it asked for, then it is received', () => {
    expect(decideReceive({ status: 'requested', lines: [{ sku: 'A', quantity: 2 }] }, [{ sku: 'A', quantity: 2 }])).toEqual({ kind: 'receive' });
  });

  it('when a return was received already, then a receipt changes nothing, whatever it holds', () => {
    expect(decideReceive({ status: 'received', lines: [{ sku: 'A', quantity: 2 }] }, [{ sku: 'Z', quantity: 9 }])).toEqual({ kind: 'already-received' });
  });

  it('when a receipt holds more than the return, then it is refused as invalid, naming the line', () => {
    expect(() => decideReceive({ status: 'requested', lines: [{ sku: 'A', quantity: 1 }] }, [{ sku: 'A', quantity: 2 }])).toThrow(
      expect.objectContaining({ kind: 'invalid', errors: [{ path: 'lines.0.quantity', message: expect.any(String) }] }),
    );
  });
});
