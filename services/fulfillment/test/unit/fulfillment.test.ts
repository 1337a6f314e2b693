import { Refusal } from '@oms/errors';
import { decidePack, groupLinesByLocation, isCancellable } from '../../src/domain/fulfillment';
import { applyShortPick, decideShortPick } from '../../src/domain/short-pick';

describe('fulfillment rules (domain)', () => {
  it('when lines are allocated at several locations, then each location gets one line per SKU with the quantities summed', () => {
    const byLocation = groupLinesByLocation([
      { sku: 'A', quantity: 1, locationId: 'WH1' },
      { sku: 'B', quantity: 2, locationId: 'WH1' },
      { sku: 'A', quantity: 3, locationId: 'WH1' },
      { sku: 'C', quantity: 1, locationId: 'ST1' },
    ]);
    expect([...byLocation]).toEqual([
      [
        'WH1',
        [
          { sku: 'A', quantity: 4 },
          { sku: 'B', quantity: 2 },
        ],
      ],
      ['ST1', [{ sku: 'C', quantity: 1 }]],
    ]);
  });

  it('when an open fulfillment is packed, then it is packed; a packed one stays as it is; a cancelled one is refused with a conflict', () => {
    expect(decidePack({ status: 'open' }, 'f1')).toEqual({ kind: 'pack' });
    expect(decidePack({ status: 'packed' }, 'f1')).toEqual({ kind: 'already-packed' });
    expect(() => decidePack({ status: 'cancelled' }, 'f1')).toThrow(expect.objectContaining({ kind: 'conflict', status: 409 }));
  });

  it('when an order is cancelled, then only open fulfillments are cancelled', () => {
    expect(isCancellable({ status: 'open' })).toBe(true);
    expect(isCancellable({ status: 'packed' })).toBe(false);
    expect(isCancellable({ status: 'cancelled' })).toBe(false);
  });
});

describe('short pick (domain)', () => {
  const lines = [
    { sku: 'A', quantity: 3 },
    { sku: 'B', quantity: 1 },
  ];

  it('when some units are missing, then they come off their lines and a line with nothing left goes', () => {
    expect(
      applyShortPick(lines, [
        { sku: 'A', missing: 1 },
        { sku: 'B', missing: 1 },
      ]),
    ).toEqual({ lines: [{ sku: 'A', quantity: 2 }], errors: [] });
  });

  it('when a SKU is not on the fulfillment or more is missing than it holds, then each offending line is named', () => {
    expect(
      applyShortPick(lines, [
        { sku: 'Z', missing: 1 },
        { sku: 'A', missing: 4 },
      ]).errors.map((e) => e.path),
    ).toEqual(['lines.0.sku', 'lines.1.missing']);
  });

  it('when everything is missing, then the fulfillment is emptied', () => {
    expect(
      decideShortPick({ status: 'open', lines }, 'f1', [
        { sku: 'A', missing: 3 },
        { sku: 'B', missing: 1 },
      ]),
    ).toEqual({ lines: [], emptied: true });
  });

  it('when the fulfillment is no longer open, then the short pick is refused with a conflict', () => {
    expect(() => decideShortPick({ status: 'packed', lines }, 'f1', [{ sku: 'A', missing: 1 }])).toThrow(Refusal);
    expect(() => decideShortPick({ status: 'packed', lines }, 'f1', [{ sku: 'A', missing: 1 }])).toThrow(expect.objectContaining({ kind: 'conflict' }));
  });

  it('when the short pick does not fit the lines, then it is refused as invalid with the field errors', () => {
    expect(() => decideShortPick({ status: 'open', lines }, 'f1', [{ sku: 'Z', missing: 1 }])).toThrow(
      expect.objectContaining({ kind: 'invalid', status: 422, errors: [{ path: 'lines.0.sku', message: expect.any(String) }] }),
    );
  });
});
