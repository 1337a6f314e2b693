import { Refusal } from '@oms/errors';
import { codeMatches, hashPickupCode, newPickupCode } from '../../src/domain/pickup-code';
import {
  decideCollect,
  decideReadyForPickup,
  pickupDue,
  decideHandOver,
  decidePack,
  decidePick,
  groupLinesByLocation,
  isCancellable,
  nextOrderHold,
  parcelErrors,
  shipByOf,
} from '../../src/domain/fulfillment';
import { chooseForPickList, pickListLines } from '../../src/domain/pick-list';
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

  const lines = [
    { sku: 'A', quantity: 3 },
    { sku: 'B', quantity: 1 },
  ];
  const held = { held: true, reason: 'payment_review', version: 7 };

  it('when an open or picking fulfillment is packed, then it is packed; a packed one stays as it is; a cancelled one is refused with a conflict', () => {
    expect(decidePack({ status: 'open', lines }, 'f1')).toEqual({ kind: 'pack' });
    expect(decidePack({ status: 'picking', lines }, 'f1')).toEqual({ kind: 'pack' });
    expect(decidePack({ status: 'packed', lines }, 'f1')).toEqual({ kind: 'already-packed' });
    expect(decidePack({ status: 'handed_over', lines }, 'f1')).toEqual({ kind: 'already-packed' });
    expect(() => decidePack({ status: 'cancelled', lines }, 'f1')).toThrow(expect.objectContaining({ kind: 'conflict', status: 409 }));
  });

  it('when the order is on hold, then its fulfillment can be neither picked, packed nor handed over (409 naming the hold)', () => {
    const conflict = expect.objectContaining({ kind: 'conflict', detail: expect.stringContaining('payment_review') });
    expect(() => decidePack({ status: 'open', lines, orderHold: held }, 'f1')).toThrow(conflict);
    expect(() => decidePick({ status: 'open', lines, orderHold: held }, 'f1', lines)).toThrow(conflict);
    expect(() => decideHandOver({ status: 'packed', lines, orderHold: held }, 'f1')).toThrow(conflict);
    expect(decidePack({ status: 'open', lines, orderHold: { held: false, version: 8 } }, 'f1')).toEqual({ kind: 'pack' });
  });

  it('when parcels are given, then they must hold exactly the units of the fulfillment', () => {
    const parcel = (l: Array<{ sku: string; quantity: number }>) => ({ lines: l, weightGrams: 500 });
    expect(
      parcelErrors(lines, [
        parcel([{ sku: 'A', quantity: 2 }]),
        parcel([
          { sku: 'A', quantity: 1 },
          { sku: 'B', quantity: 1 },
        ]),
      ]),
    ).toEqual([]);
    expect(parcelErrors(lines, [parcel([{ sku: 'A', quantity: 3 }])]).map((e) => e.message)).toEqual(['B: 0 packed, the fulfillment ships 1']);
    expect(parcelErrors(lines, [parcel([...lines, { sku: 'Z', quantity: 1 }])]).map((e) => e.path)).toEqual(['parcels.0.lines.2.sku']);
    expect(() =>
      decidePack({ status: 'open', lines }, 'f1', [
        parcel([
          { sku: 'A', quantity: 4 },
          { sku: 'B', quantity: 1 },
        ]),
      ]),
    ).toThrow(expect.objectContaining({ kind: 'invalid', status: 422 }));
  });

  it('when every unit is found, then it is picked; fewer is a short pick; a line not reported, reported twice or over its quantity is refused', () => {
    expect(decidePick({ status: 'open', lines }, 'f1', lines)).toEqual({ kind: 'picked' });
    expect(
      decidePick({ status: 'picking', lines }, 'f1', [
        { sku: 'A', quantity: 1 },
        { sku: 'B', quantity: 0 },
      ]),
    ).toEqual({
      kind: 'short',
      missing: [
        { sku: 'A', missing: 2 },
        { sku: 'B', missing: 1 },
      ],
      lines: [{ sku: 'A', quantity: 1 }],
      emptied: false,
    });
    const invalid = (picked: Array<{ sku: string; quantity: number }>) => {
      try {
        decidePick({ status: 'open', lines }, 'f1', picked);
      } catch (err) {
        return (err as Refusal).errors?.map((e) => e.path);
      }
      return 'accepted';
    };
    expect(invalid([{ sku: 'A', quantity: 3 }])).toEqual(['lines']);
    expect(invalid([...lines, { sku: 'A', quantity: 1 }])).toEqual(['lines.2.sku']);
    expect(
      invalid([
        { sku: 'A', quantity: 4 },
        { sku: 'B', quantity: 1 },
      ]),
    ).toEqual(['lines.0.quantity']);
    expect(() => decidePick({ status: 'packed', lines }, 'f1', lines)).toThrow(expect.objectContaining({ kind: 'conflict' }));
  });

  it('when packed parcels are handed over, then once; anything not packed is refused', () => {
    expect(decideHandOver({ status: 'packed', lines }, 'f1')).toBe('hand-over');
    expect(decideHandOver({ status: 'handed_over', lines }, 'f1')).toBe('already-handed-over');
    expect(() => decideHandOver({ status: 'picking', lines }, 'f1')).toThrow(expect.objectContaining({ kind: 'conflict' }));
  });

  it('when an order is cancelled, then only work not packed yet is cancelled', () => {
    expect(isCancellable({ status: 'open' })).toBe(true);
    expect(isCancellable({ status: 'picking' })).toBe(true);
    expect(isCancellable({ status: 'packed' })).toBe(false);
    expect(isCancellable({ status: 'cancelled' })).toBe(false);
  });

  it('when hold messages arrive out of order, then only a newer version changes what is kept', () => {
    expect(nextOrderHold(undefined, held)).toEqual(held);
    expect(nextOrderHold(held, { held: false, version: 6 })).toBeUndefined();
    expect(nextOrderHold(held, { held: false, version: 9 })).toEqual({ held: false, version: 9 });
  });

  it('when the ship-by time is set, then it is the order time plus the handling hours of its method (default for others), never before the work arrives', () => {
    const at = new Date('2026-12-06T10:00:00Z');
    const hours = { express: 4, default: 24 };
    expect(shipByOf(at, 'express', hours, at).toISOString()).toBe('2026-12-06T14:00:00.000Z');
    expect(shipByOf(at, 'freight', hours, at).toISOString()).toBe('2026-12-07T10:00:00.000Z');
    // A backorder served two days after the order: due at once.
    const arrived = new Date('2026-12-08T09:30:00Z');
    expect(shipByOf(at, 'express', hours, arrived).toISOString()).toBe('2026-12-08T09:30:00.000Z');
  });
});

describe('pick lists (domain)', () => {
  const f = (id: string, shipBy: string, lines: Array<{ sku: string; quantity: number }>) => ({ _id: id, orderId: `o-${id}`, shipBy: new Date(shipBy), lines });

  it('when a wave is made, then the fulfillments that must leave first are taken, at most the maximum', () => {
    const chosen = chooseForPickList([f('c', '2026-12-07', []), f('a', '2026-12-05', []), f('b', '2026-12-06', [])], 2);
    expect(chosen.map((x) => x._id)).toEqual(['a', 'b']);
  });

  it('when fulfillments share a SKU, then the list has one line per bin and SKU with the split per fulfillment, bins in order', () => {
    const bins: Record<string, string> = { A: 'B-02', B: 'A-01' };
    const lines = pickListLines(
      [
        f('1', '2026-12-05', [
          { sku: 'A', quantity: 2 },
          { sku: 'B', quantity: 1 },
        ]),
        f('2', '2026-12-05', [{ sku: 'A', quantity: 1 }]),
      ],
      (sku) => bins[sku],
    );
    expect(lines).toEqual([
      { bin: 'A-01', sku: 'B', quantity: 1, for: [{ fulfillmentId: '1', orderId: 'o-1', quantity: 1 }] },
      {
        bin: 'B-02',
        sku: 'A',
        quantity: 3,
        for: [
          { fulfillmentId: '1', orderId: 'o-1', quantity: 2 },
          { fulfillmentId: '2', orderId: 'o-2', quantity: 1 },
        ],
      },
    ]);
  });
});

describe('short pick (domain)', () => {
  const lines: Array<{ sku: string; quantity: number }> = [
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

  it('when the fulfillment is packed, then the short pick is refused with a conflict', () => {
    expect(() => decideShortPick({ status: 'packed', lines }, 'f1', [{ sku: 'A', missing: 1 }])).toThrow(Refusal);
    expect(() => decideShortPick({ status: 'packed', lines }, 'f1', [{ sku: 'A', missing: 1 }])).toThrow(expect.objectContaining({ kind: 'conflict' }));
  });

  it('when the short pick does not fit the lines, then it is refused as invalid with the field errors', () => {
    expect(() => decideShortPick({ status: 'open', lines }, 'f1', [{ sku: 'Z', missing: 1 }])).toThrow(
      expect.objectContaining({ kind: 'invalid', status: 422, errors: [{ path: 'lines.0.sku', message: expect.any(String) }] }),
    );
  });
});

describe('click & collect (domain)', () => {
  const lines = [{ sku: 'A', quantity: 1 }];

  it('when a pickup is made ready, then only pickup work not yet collected can be; packing it for a carrier is refused', () => {
    expect(() => decideReadyForPickup({ status: 'picking', lines, pickup: true }, 'f1')).not.toThrow();
    expect(() => decideReadyForPickup({ status: 'ready_for_pickup', lines, pickup: true }, 'f1')).not.toThrow();
    expect(() => decideReadyForPickup({ status: 'open', lines }, 'f1')).toThrow(expect.objectContaining({ kind: 'conflict' }));
    expect(() => decideReadyForPickup({ status: 'collected', lines, pickup: true }, 'f1')).toThrow(expect.objectContaining({ kind: 'conflict' }));
    expect(() => decidePack({ status: 'open', lines, pickup: true }, 'f1')).toThrow(
      expect.objectContaining({ detail: expect.stringContaining('click & collect') }),
    );
  });

  it('when goods are collected, then once, and only when they wait for pickup', () => {
    expect(decideCollect({ status: 'ready_for_pickup', lines, pickup: true }, 'f1')).toBe('collect');
    expect(decideCollect({ status: 'collected', lines, pickup: true }, 'f1')).toBe('already-collected');
    expect(() => decideCollect({ status: 'open', lines, pickup: true }, 'f1')).toThrow(expect.objectContaining({ kind: 'conflict' }));
  });

  it('when a pickup waits, then a reminder is due once after the remind days and the expiry after the cancel days', () => {
    const ready = new Date('2026-12-01T10:00:00Z');
    const at = (days: number) => new Date(ready.getTime() + days * 86_400_000);
    const days = { remind: 3, cancel: 7 };
    expect(pickupDue(ready, at(2.9), days, { reminded: false })).toBeUndefined();
    expect(pickupDue(ready, at(3), days, { reminded: false })).toBe('remind');
    expect(pickupDue(ready, at(5), days, { reminded: true })).toBeUndefined();
    expect(pickupDue(ready, at(7), days, { reminded: true })).toBe('expire');
  });

  it('when a pickup code is issued, then it is 6 digits, only its hash is kept, and only that code of that fulfillment matches', () => {
    const code = newPickupCode();
    expect(code).toMatch(/^\d{6}$/);
    const hash = hashPickupCode('f1', code);
    expect(hash).not.toContain(code);
    expect(codeMatches('f1', code, hash)).toBe(true);
    expect(codeMatches('f2', code, hash)).toBe(false);
    expect(codeMatches('f1', code === '000000' ? '000001' : '000000', hash)).toBe(false);
    expect(codeMatches('f1', code, undefined)).toBe(false);
  });
});
