import { checkMovements, ledgerEntries, takesReservedStock, type RequestedMovement } from '../../src/domain/movement-rules';

const known = new Set(['A', 'B']);

describe('movement rules', () => {
  it('when a batch names an unknown location or a quantity wrong for its type, then it is refused whole, naming each field', () => {
    const movements: RequestedMovement[] = [
      { sku: 'S', locationId: 'A', quantity: 5, type: 'receipt' },
      { sku: 'S', locationId: 'NOWHERE', quantity: 5, type: 'receipt' },
      { sku: 'S', locationId: 'A', quantity: -1, type: 'receipt' },
      { sku: 'S', locationId: 'A', quantity: 1, type: 'transfer', toLocationId: 'A' },
    ];
    expect(() => checkMovements(movements, known)).toThrow(
      expect.objectContaining({
        kind: 'invalid',
        status: 422,
        detail: 'The stock movements were refused',
        errors: [
          { path: 'movements.1.locationId', message: 'location NOWHERE does not exist' },
          { path: 'movements.2.quantity', message: 'a receipt must have a positive quantity' },
          { path: 'movements.3.toLocationId', message: 'a transfer must go to another location' },
        ],
      }),
    );
    expect(() => checkMovements([movements[0]!], known)).not.toThrow();
  });

  it('when a change would take reserved stock, then the refusal names the movement under the request field', () => {
    const [change] = ledgerEntries([{ sku: 'S', locationId: 'A', quantity: -3, type: 'adjustment' }]);
    expect(takesReservedStock(change!, 'movements', { onHand: 5, after: 2, reserved: 3 })).toMatchObject({
      kind: 'invalid',
      status: 422,
      errors: [{ path: 'movements.0.quantity', message: 'would take on hand of S at A from 5 to 2, below the 3 reserved' }],
    });
  });

  it('when a transfer is booked, then it is one entry out of its source and one into its destination; a count sets on hand', () => {
    expect(
      ledgerEntries([
        { sku: 'S', locationId: 'A', toLocationId: 'B', quantity: 2, type: 'transfer' },
        { sku: 'S', locationId: 'A', quantity: 7, type: 'count' },
      ]),
    ).toEqual([
      { index: 0, kind: 'add', movement: { sku: 'S', locationId: 'A', quantity: -2, type: 'transfer' } },
      { index: 0, kind: 'add', movement: { sku: 'S', locationId: 'B', quantity: 2, type: 'transfer' } },
      { index: 1, kind: 'set', movement: { sku: 'S', locationId: 'A', quantity: 7, type: 'count' } },
    ]);
  });
});
