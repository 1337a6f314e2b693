import { movementOfRow, refusedRows, stockHeaderProblems } from '../../src/domain/inventory/stock-file';

describe('the stock file', () => {
  it('when the header has the required columns, then it is fine; missing and unknown columns are named', () => {
    expect(stockHeaderProblems(['sku', 'locationId', 'quantity'])).toEqual([]);
    expect(stockHeaderProblems(['sku', 'locationId', 'quantity', 'type', 'reference', 'reason'])).toEqual([]);
    expect(stockHeaderProblems(['sku', 'qty', 'locationId'])).toEqual([
      'missing column quantity',
      expect.stringMatching(/^unknown column qty \(columns: sku, locationId, quantity, type, reference, reason\)$/),
    ]);
  });

  it('when a row has no type, then it is a count; empty cells are absent and the quantity is read as a number', () => {
    expect(movementOfRow({ sku: 'TSHIRT-BLK-M', locationId: 'berlin', quantity: '12', reference: '' })).toEqual({
      movement: { sku: 'TSHIRT-BLK-M', locationId: 'berlin', quantity: 12, type: 'count' },
    });
    expect(movementOfRow({ sku: 'TSHIRT-BLK-M', locationId: 'berlin', quantity: '3', type: 'receipt', reference: 'PO-7' })).toMatchObject({
      movement: { type: 'receipt', reference: 'PO-7' },
    });
  });

  it('when a row cannot be booked, then the reason names each field', () => {
    const refused = movementOfRow({ sku: 'TSHIRT-BLK-M', locationId: 'berlin', quantity: 'many', type: 'sale' });
    expect(refused.reason).toMatch(/^quantity: .+; type: .+$/);
  });

  it('when the inventory service refuses rows of a batch, then each is found by its index; a refusal of anything else names none', () => {
    const byIndex = refusedRows([
      { path: 'movements.3.locationId', message: 'unknown location' },
      { path: 'movements.0.quantity', message: 'below reserved' },
    ]);
    expect([...(byIndex ?? [])]).toEqual([
      [3, 'locationId: unknown location'],
      [0, 'quantity: below reserved'],
    ]);
    expect(
      refusedRows([
        { path: 'movements.1.sku', message: 'x' },
        { path: 'actor', message: 'y' },
      ]),
    ).toBeUndefined();
    expect(refusedRows([])).toBeUndefined();
  });
});
