import { canPickupByDefault, unknownLocation } from '../../src/domain/location';
import { planRestock } from '../../src/domain/restock';
import { checkSubstitutes } from '../../src/domain/sku-settings';

describe('location and SKU settings rules', () => {
  it('when a location says nothing about pickups, then a store serves them and a warehouse does not', () => {
    expect(canPickupByDefault('store')).toBe(true);
    expect(canPickupByDefault('warehouse')).toBe(false);
  });

  it('when a location does not exist, then the refusal names the field that points at it', () => {
    expect(unknownLocation('WH-X', 'lines')).toMatchObject({
      kind: 'invalid',
      status: 422,
      errors: [{ path: 'lines', message: 'location WH-X does not exist' }],
    });
  });

  it('when a SKU lists itself as a substitute, then the settings are refused', () => {
    expect(() => checkSubstitutes('A', ['B', 'A'])).toThrow(
      expect.objectContaining({ kind: 'invalid', errors: [{ path: 'substitutes', message: 'A cannot substitute itself' }] }),
    );
    expect(() => checkSubstitutes('A', ['B'])).not.toThrow();
  });
});

describe('restock of a return', () => {
  it('when units come back, then each is restocked; a damaged one is written off again, with ids from the return', () => {
    const plan = planRestock('r-1', 'WH-1', [
      { sku: 'A', quantity: 2, condition: 'resellable' },
      { sku: 'B', quantity: 1, condition: 'damaged' },
    ]);
    expect(plan.movements.map((m) => [m._id, m.type, m.quantity])).toEqual([
      ['return_restock:r-1:0', 'return_restock', 2],
      ['return_restock:r-1:1', 'return_restock', 1],
      ['write_off:r-1:1', 'write_off', -1],
    ]);
    expect(plan.restocked).toEqual([{ sku: 'A', locationId: 'WH-1', quantity: 2 }]);
    expect(plan.writtenOff).toEqual([{ sku: 'B', locationId: 'WH-1', quantity: 1 }]);
  });
});
