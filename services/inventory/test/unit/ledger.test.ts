import { availabilityOf, countersFromLedger, type Counters } from '../../src/domain/ledger';

describe('the ledger: counters from the documents', () => {
  it('when a rebuild finds a short-pick correction whose reservation does not record it yet, then the correction is not counted (the redelivery books both)', () => {
    const movements = [
      { sku: 'Z', locationId: 'A', quantity: 5, type: 'receipt' },
      { sku: 'Z', locationId: 'A', quantity: -2, type: 'adjustment', reservationId: 'r1', operation: 'op-1' },
    ];
    const before = countersFromLedger(movements, [{ _id: 'r1', status: 'active', lines: [{ sku: 'Z', locationId: 'A', quantity: 3 }], processed: [] }], []);
    expect(before.get('Z')!.get('A')).toMatchObject({ onHand: 5, reserved: 3 });
    const after = countersFromLedger(
      movements,
      [{ _id: 'r1', status: 'active', lines: [{ sku: 'Z', locationId: 'A', quantity: 1 }], processed: ['op-1'] }],
      [],
    );
    expect(after.get('Z')!.get('A')).toMatchObject({ onHand: 3, reserved: 1 });
  });

  it('when a pick belongs to a reservation not yet consumed, then it is not counted: the units still count as reserved', () => {
    const movements = [
      { sku: 'P', locationId: 'A', quantity: 4, type: 'receipt' },
      { sku: 'P', locationId: 'A', quantity: -3, type: 'pick', reservationId: 'r1' },
    ];
    const lines = [{ sku: 'P', locationId: 'A', quantity: 3 }];
    expect(
      countersFromLedger(movements, [{ _id: 'r1', status: 'active', lines }], [])
        .get('P')!
        .get('A'),
    ).toMatchObject({ onHand: 4, reserved: 3 });
    expect(
      countersFromLedger(movements, [{ _id: 'r1', status: 'consumed', lines }], [])
        .get('P')!
        .get('A'),
    ).toMatchObject({ onHand: 1, reserved: 0 });
  });
});

describe('what sourcing may promise', () => {
  it('when a location has safety stock or more reserved than on hand, then it promises on hand less both, never below zero', () => {
    const counters: Counters = new Map([
      [
        'S',
        new Map([
          ['A', { onHand: 10, reserved: 3, safetyStock: 2 }],
          ['B', { onHand: 1, reserved: 2, safetyStock: 0 }],
        ]),
      ],
    ]);
    expect(availabilityOf(counters)).toEqual(
      new Map([
        [
          'S',
          new Map([
            ['A', 5],
            ['B', 0],
          ]),
        ],
      ]),
    );
  });
});
