import { correctionEntries, shortPickCorrections } from '../../src/domain/short-pick';

describe('short-pick corrections', () => {
  const before = [
    { sku: 'X', locationId: 'A', quantity: 3 },
    { sku: 'Y', locationId: 'A', quantity: 1 },
  ];

  it('when units left the reservation at the location, then the correction is what its lines held there less what they hold after', () => {
    const after = [
      { sku: 'X', locationId: 'A', quantity: 1 },
      { sku: 'Y', locationId: 'A', quantity: 1 },
    ];
    expect(shortPickCorrections(before, after, [{ sku: 'X' }, { sku: 'Y' }], 'A')).toEqual([{ sku: 'X', locationId: 'A', missing: 2 }]);
  });

  it("when lines were added after the reservation's own (sourced elsewhere), then they do not reduce the correction", () => {
    const after = [
      { sku: 'X', locationId: 'A', quantity: 1 },
      { sku: 'Y', locationId: 'A', quantity: 1 },
      { sku: 'X', locationId: 'A', quantity: 2 },
    ];
    expect(shortPickCorrections(before, after, [{ sku: 'X' }], 'A')).toEqual([{ sku: 'X', locationId: 'A', missing: 2 }]);
  });

  it('when nothing of a reported SKU was held there, then there is nothing to correct', () => {
    expect(shortPickCorrections(before, before, [{ sku: 'X' }, { sku: 'Z' }], 'A')).toEqual([]);
  });

  it('when corrections are booked, then each is an adjustment off on hand tagged with the reservation and the operation', () => {
    const at = new Date('2026-12-01T00:00:00Z');
    expect(correctionEntries([{ sku: 'X', locationId: 'A', missing: 2 }], ['id-0'], 'o-1', 'op-1', 'ingestion', at)).toEqual([
      {
        _id: 'id-0',
        sku: 'X',
        locationId: 'A',
        quantity: -2,
        type: 'adjustment',
        reason: 'short pick: missing on the shelf',
        reference: 'o-1',
        reservationId: 'o-1',
        operation: 'op-1',
        actor: 'ingestion',
        at,
      },
    ]);
  });
});
