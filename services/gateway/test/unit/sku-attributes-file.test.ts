import { skuAttributesHeaderProblems, skuAttributesOfRow } from '../../src/domain/inventory/sku-attributes-file';

describe('SKU attributes file (domain)', () => {
  it('when the header lacks sku or has an unknown column, then each problem is named', () => {
    expect(skuAttributesHeaderProblems(['sku', 'weightGrams', 'hazmat'])).toEqual([]);
    expect(skuAttributesHeaderProblems(['weight', 'hazmat'])).toEqual([
      'missing column sku',
      'unknown column weight (columns: sku, weightGrams, lengthCm, widthCm, heightCm, hazmat, shipsAlone)',
    ]);
  });

  it('when a row is read, then numbers, measures and yes/no values become attributes; empty cells are unset', () => {
    expect(skuAttributesOfRow({ sku: 'SOFA', weightGrams: '25000', lengthCm: '180', widthCm: '80', heightCm: '60', hazmat: '', shipsAlone: 'yes' })).toEqual({
      item: { sku: 'SOFA', weightGrams: 25000, dimensions: { lengthCm: 180, widthCm: 80, heightCm: 60 }, hazmat: false, shipsAlone: true },
    });
    expect(skuAttributesOfRow({ sku: 'BATTERY', hazmat: 'TRUE' })).toEqual({ item: { sku: 'BATTERY', hazmat: true, shipsAlone: false } });
  });

  it('when a row is wrong, then the reason names each field', () => {
    expect(skuAttributesOfRow({ sku: 'X', weightGrams: '1.5' }).reason).toBe('weightGrams: must be whole grams');
    expect(skuAttributesOfRow({ sku: 'X', lengthCm: '10' }).reason).toBe('lengthCm: give lengthCm, widthCm and heightCm together, or none');
    expect(skuAttributesOfRow({ sku: 'X', hazmat: 'maybe' }).reason).toBe('hazmat: must be true or false (yes/no, 1/0)');
    expect(skuAttributesOfRow({ weightGrams: '10' }).reason).toMatch(/^sku: /);
  });
});
