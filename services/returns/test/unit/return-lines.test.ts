import { checkReceipt, checkReturnRequest, refundAmount } from '../../src/domain/return-lines';

describe('return lines (domain)', () => {
  const ordered = [
    { sku: 'A', quantity: 2, unitPrice: 1000 },
    { sku: 'B', quantity: 1, unitPrice: 500 },
  ];

  it('when the request fits what is left, then there are no errors', () => {
    expect(
      checkReturnRequest(
        ordered,
        [{ sku: 'A', quantity: 1 }],
        [
          { sku: 'A', quantity: 1 },
          { sku: 'B', quantity: 1 },
        ],
      ),
    ).toEqual([]);
  });

  it('when earlier returns used the units up, then the quantity of that line is refused', () => {
    expect(checkReturnRequest(ordered, [{ sku: 'A', quantity: 2 }], [{ sku: 'A', quantity: 1 }])).toEqual([
      { path: 'lines.0.quantity', message: expect.stringContaining('at most 0') },
    ]);
  });

  it('when one request repeats a sku, then its lines count together', () => {
    expect(
      checkReturnRequest(
        ordered,
        [],
        [
          { sku: 'A', quantity: 1 },
          { sku: 'A', quantity: 2 },
        ],
      ).map((e) => e.path),
    ).toEqual(['lines.1.quantity']);
  });

  it('when a sku is not in the order, then its sku is refused', () => {
    expect(checkReturnRequest(ordered, [], [{ sku: 'C', quantity: 1 }]).map((e) => e.path)).toEqual(['lines.0.sku']);
  });

  it('when the receipt holds unknown skus or more than expected, then each line is named', () => {
    expect(
      checkReceipt(
        [{ sku: 'A', quantity: 2 }],
        [
          { sku: 'A', quantity: 2 },
          { sku: 'A', quantity: 1 },
          { sku: 'X', quantity: 1 },
        ],
      ).map((e) => e.path),
    ).toEqual(['lines.1.quantity', 'lines.2.sku']);
  });

  it('when goods come back, then the refund is quantity × unit price in minor units, the lowest price where a sku had several', () => {
    expect(
      refundAmount(ordered, [
        { sku: 'A', quantity: 2 },
        { sku: 'B', quantity: 1 },
      ]),
    ).toBe(2500);
    expect(refundAmount([...ordered, { sku: 'A', quantity: 1, unitPrice: 800 }], [{ sku: 'A', quantity: 1 }])).toBe(800);
    expect(refundAmount(ordered, [])).toBe(0);
  });
});
