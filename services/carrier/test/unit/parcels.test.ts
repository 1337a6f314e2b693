import { defaultParcels, DEFAULT_UNIT_WEIGHT_GRAMS, withHazmat } from '../../src/domain/parcels';

describe('parcels from SKU attributes (domain)', () => {
  const attributes = new Map([
    ['LAMP', { weightGrams: 1200, hazmat: false, shipsAlone: false }],
    ['BATTERY', { weightGrams: 300, hazmat: true, shipsAlone: false }],
    ['SOFA', { weightGrams: 25000, dimensions: { lengthCm: 180, widthCm: 80, heightCm: 60 }, hazmat: false, shipsAlone: true }],
  ]);

  it('when lines are packed without a parcel list, then they go together weighed by their SKUs, unknown SKUs at the default weight', () => {
    expect(
      defaultParcels(
        [
          { sku: 'LAMP', quantity: 2 },
          { sku: 'MUG', quantity: 1 },
        ],
        attributes,
      ),
    ).toEqual([
      {
        lines: [
          { sku: 'LAMP', quantity: 2 },
          { sku: 'MUG', quantity: 1 },
        ],
        weightGrams: 2400 + DEFAULT_UNIT_WEIGHT_GRAMS,
        hazmat: false,
      },
    ]);
  });

  it('when a SKU ships alone, then each unit gets a parcel of its own with its measures; dangerous goods mark their parcel', () => {
    const parcels = defaultParcels(
      [
        { sku: 'SOFA', quantity: 2 },
        { sku: 'BATTERY', quantity: 1 },
      ],
      attributes,
    );
    expect(parcels).toEqual([
      { lines: [{ sku: 'BATTERY', quantity: 1 }], weightGrams: 300, hazmat: true },
      { lines: [{ sku: 'SOFA', quantity: 1 }], weightGrams: 25000, dimensions: { lengthCm: 180, widthCm: 80, heightCm: 60 }, hazmat: false },
      { lines: [{ sku: 'SOFA', quantity: 1 }], weightGrams: 25000, dimensions: { lengthCm: 180, widthCm: 80, heightCm: 60 }, hazmat: false },
    ]);
  });

  it('when the packer lists parcels, then their weights stand and a parcel with a dangerous SKU is marked', () => {
    expect(
      withHazmat(
        [
          { lines: [{ sku: 'BATTERY', quantity: 1 }], weightGrams: 999 },
          { lines: [{ sku: 'LAMP', quantity: 1 }], weightGrams: 1000 },
        ],
        attributes,
      ).map((p) => [p.weightGrams, p.hazmat]),
    ).toEqual([
      [999, true],
      [1000, false],
    ]);
  });
});
