import fc from 'fast-check';
import { distanceKm, locateCustomer } from '../../src/domain/geo';
import { sourceOrder, type Availability, type RequestedLine, type SourcingLocation } from '../../src/domain/sourcing';

const location = (id: string, fields: Partial<SourcingLocation> = {}): SourcingLocation => ({
  id,
  active: true,
  canShip: true,
  canPickup: false,
  priority: 100,
  handlingCost: 0,
  ...fields,
});

const stock = (entries: Array<[sku: string, locationId: string, units: number]>): Availability => {
  const availability: Availability = new Map();
  for (const [sku, loc, units] of entries) availability.set(sku, new Map([...(availability.get(sku) ?? []), [loc, units]]));
  return availability;
};

const BERLIN = { lat: 52.52, lon: 13.405 };
const MUNICH = { lat: 48.137, lon: 11.575 };
const HAMBURG = { lat: 53.551, lon: 9.994 };

describe('sourcing rules', () => {
  it('when one location can ship every line, then it beats a split even if others are nearer for some lines', () => {
    const decision = sourceOrder(
      {
        lines: [
          { sku: 'A', quantity: 1 },
          { sku: 'B', quantity: 1 },
        ],
        customer: BERLIN,
      },
      [location('BER', { coordinates: BERLIN }), location('MUC', { coordinates: MUNICH })],
      stock([
        ['A', 'BER', 5],
        ['A', 'MUC', 5],
        ['B', 'MUC', 5],
      ]),
    );
    expect(decision).toMatchObject({
      status: 'active',
      lines: [
        { sku: 'A', locationId: 'MUC', quantity: 1 },
        { sku: 'B', locationId: 'MUC', quantity: 1 },
      ],
    });
    expect(decision.reason).toContain('one shipment from MUC');
  });

  it('when several locations can ship the whole order, then the nearest to the customer wins, then the cheaper one, then priority', () => {
    const all = [location('MUC', { coordinates: MUNICH }), location('HAM', { coordinates: HAMBURG }), location('BER', { coordinates: BERLIN })];
    const everywhere = stock([
      ['A', 'MUC', 3],
      ['A', 'HAM', 3],
      ['A', 'BER', 3],
    ]);
    expect(sourceOrder({ lines: [{ sku: 'A', quantity: 2 }], customer: { lat: 53.0, lon: 10.0 } }, all, everywhere)).toMatchObject({
      lines: [{ locationId: 'HAM' }],
    });
    expect(sourceOrder({ lines: [{ sku: 'A', quantity: 2 }], customer: { lat: 48.0, lon: 11.6 } }, all, everywhere)).toMatchObject({
      lines: [{ locationId: 'MUC' }],
    });

    // Same place: handling cost decides, then priority.
    const twins = [
      location('X', { coordinates: BERLIN, handlingCost: 500, priority: 1 }),
      location('Y', { coordinates: BERLIN, handlingCost: 300, priority: 9 }),
    ];
    const both = stock([
      ['A', 'X', 1],
      ['A', 'Y', 1],
    ]);
    expect(sourceOrder({ lines: [{ sku: 'A', quantity: 1 }], customer: MUNICH }, twins, both)).toMatchObject({ lines: [{ locationId: 'Y' }] });
    const sameCost = twins.map((l) => ({ ...l, handlingCost: 0 }));
    expect(sourceOrder({ lines: [{ sku: 'A', quantity: 1 }], customer: MUNICH }, sameCost, both)).toMatchObject({ lines: [{ locationId: 'X' }] });
  });

  it('when no location holds the whole order, then it is split into as few shipments as possible', () => {
    // C alone has A and B; D has C-sku: two shipments (C + D), not three (A-loc + B-loc + D).
    const decision = sourceOrder(
      {
        lines: [
          { sku: 'A', quantity: 2 },
          { sku: 'B', quantity: 2 },
          { sku: 'C', quantity: 1 },
        ],
      },
      [location('L1'), location('L2'), location('L3'), location('L4')],
      stock([
        ['A', 'L1', 2],
        ['B', 'L2', 2],
        ['A', 'L3', 2],
        ['B', 'L3', 2],
        ['C', 'L4', 1],
      ]),
    );
    expect(decision.status).toBe('active');
    expect(new Set(decision.status === 'active' ? decision.lines.map((l) => l.locationId) : [])).toEqual(new Set(['L3', 'L4']));
    expect(decision.reason).toContain('split into 2 shipments');
  });

  it('when a location is inactive or cannot ship, then it is not used; a pickup order reserves at its store only', () => {
    const locations = [location('WH', { active: false }), location('STORE', { canShip: false, canPickup: true }), location('WH2')];
    const units = stock([
      ['A', 'WH', 9],
      ['A', 'STORE', 9],
      ['A', 'WH2', 1],
    ]);
    expect(sourceOrder({ lines: [{ sku: 'A', quantity: 2 }] }, locations, units)).toMatchObject({
      status: 'short',
      shortLines: [{ sku: 'A', requested: 2, available: 1 }],
    });
    expect(sourceOrder({ lines: [{ sku: 'A', quantity: 2 }], pickupLocationId: 'STORE' }, locations, units)).toMatchObject({
      status: 'active',
      lines: [{ sku: 'A', locationId: 'STORE', quantity: 2 }],
    });
    // Stock elsewhere does not help a pickup.
    expect(sourceOrder({ lines: [{ sku: 'A', quantity: 10 }], pickupLocationId: 'STORE' }, locations, units)).toMatchObject({ status: 'short' });
    expect(sourceOrder({ lines: [{ sku: 'A', quantity: 1 }], pickupLocationId: 'WH2' }, locations, units)).toMatchObject({
      status: 'short',
      reason: 'WH2 does not serve pickups',
    });
  });

  it('when a US or Canadian postal code is given, then the customer is placed at its centroid; elsewhere at the country', () => {
    const nyc = locateCustomer('US', '10001');
    expect(nyc).toMatchObject({ precision: 'postal_code' });
    expect(distanceKm(nyc!, { lat: 40.75, lon: -73.99 })).toBeLessThan(5);
    expect(locateCustomer('CA', 'M5V 3L9')).toMatchObject({ precision: 'postal_code' });
    expect(locateCustomer('DE', '10115')).toMatchObject({ precision: 'country' });
    expect(distanceKm(BERLIN, MUNICH)).toBeGreaterThan(490);
    expect(distanceKm(BERLIN, MUNICH)).toBeLessThan(515);
  });
});

// Random worlds: a few SKUs, up to 6 locations with coordinates, cost, priority, flags and stock.
const SKUS = ['A', 'B', 'C'];
const worldArb = fc
  .array(
    fc.record({
      // Mostly usable locations, some not.
      active: fc.constantFrom(true, true, true, false),
      canShip: fc.constantFrom(true, true, true, false),
      canPickup: fc.boolean(),
      priority: fc.integer({ min: 1, max: 3 }),
      handlingCost: fc.constantFrom(0, 100, 250),
      lat: fc.double({ min: 40, max: 55, noNaN: true }),
      lon: fc.double({ min: -5, max: 20, noNaN: true }),
      units: fc.tuple(fc.nat(6), fc.nat(6), fc.nat(6)),
    }),
    { minLength: 1, maxLength: 6 },
  )
  .map((raw) => {
    const locations = raw.map((r, i) => location(`L${i}`, { ...r, coordinates: { lat: r.lat, lon: r.lon } }));
    const availability = stock(raw.flatMap((r, i) => SKUS.map((sku, s): [string, string, number] => [sku, `L${i}`, r.units[s]!])));
    return { locations, availability };
  });
const linesArb = fc
  .uniqueArray(fc.constantFrom(...SKUS), { minLength: 1, maxLength: 3 })
  .chain((skus) => fc.tuple(...skus.map((sku) => fc.integer({ min: 1, max: 8 }).map((quantity): RequestedLine => ({ sku, quantity })))));
const customerArb = fc.option(fc.record({ lat: fc.double({ min: 40, max: 55, noNaN: true }), lon: fc.double({ min: -5, max: 20, noNaN: true }) }), {
  nil: undefined,
});

describe('sourcing properties', () => {
  it('holds exactly what was asked, only where units are free and the location may ship; short only when all together lack units', () => {
    fc.assert(
      fc.property(worldArb, linesArb, customerArb, ({ locations, availability }, lines, customer) => {
        const decision = sourceOrder({ lines, ...(customer ? { customer } : {}) }, locations, availability);
        const shipping = locations.filter((l) => l.active && l.canShip);
        const total = (sku: string) => shipping.reduce((s, l) => s + (availability.get(sku)?.get(l.id) ?? 0), 0);
        if (decision.status === 'short') {
          expect(lines.some((l) => total(l.sku) < l.quantity)).toBe(true);
          return;
        }
        expect(lines.every((l) => total(l.sku) >= l.quantity)).toBe(true);
        for (const line of lines) expect(decision.lines.filter((a) => a.sku === line.sku).reduce((s, a) => s + a.quantity, 0)).toBe(line.quantity);
        const seen = new Set<string>();
        for (const a of decision.lines) {
          expect(a.quantity).toBeGreaterThan(0);
          expect(a.quantity).toBeLessThanOrEqual(availability.get(a.sku)?.get(a.locationId) ?? 0);
          expect(shipping.map((l) => l.id)).toContain(a.locationId);
          expect(seen.has(`${a.sku}@${a.locationId}`)).toBe(false); // one line per SKU and location
          seen.add(`${a.sku}@${a.locationId}`);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('uses one location whenever one can serve the whole order, and it is the best by distance, cost, priority', () => {
    fc.assert(
      fc.property(worldArb, linesArb, customerArb, ({ locations, availability }, lines, customer) => {
        const decision = sourceOrder({ lines, ...(customer ? { customer } : {}) }, locations, availability);
        const serving = locations.filter((l) => l.active && l.canShip && lines.every((line) => (availability.get(line.sku)?.get(l.id) ?? 0) >= line.quantity));
        if (serving.length === 0 || decision.status !== 'active') return;
        const used = [...new Set(decision.lines.map((l) => l.locationId))];
        expect(used).toHaveLength(1);
        const key = (l: SourcingLocation) => [customer ? distanceKm(customer, l.coordinates!) : 0, l.handlingCost, l.priority, l.id] as const;
        const chosen = serving.find((l) => l.id === used[0])!;
        for (const other of serving) {
          const [a, b] = [key(chosen), key(other)];
          const better = a[0] < b[0] || (a[0] === b[0] && (a[1] < b[1] || (a[1] === b[1] && (a[2] < b[2] || (a[2] === b[2] && a[3] <= b[3])))));
          expect(better || other.id === chosen.id).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('splits into the fewest locations a brute-force search finds', () => {
    fc.assert(
      fc.property(worldArb, linesArb, ({ locations, availability }, lines) => {
        const decision = sourceOrder({ lines }, locations, availability);
        if (decision.status !== 'active') return;
        const shipping = locations.filter((l) => l.active && l.canShip);
        let fewest = Infinity;
        for (let mask = 1; mask < 1 << shipping.length; mask++) {
          const set = shipping.filter((_, i) => mask & (1 << i));
          if (lines.every((line) => set.reduce((s, l) => s + (availability.get(line.sku)?.get(l.id) ?? 0), 0) >= line.quantity))
            fewest = Math.min(fewest, set.length);
        }
        expect(new Set(decision.lines.map((l) => l.locationId)).size).toBe(fewest);
      }),
      { numRuns: 500 },
    );
  });

  it('serves a pickup from its store or not at all', () => {
    fc.assert(
      fc.property(worldArb, linesArb, fc.nat(5), ({ locations, availability }, lines, pick) => {
        const store = locations[pick % locations.length]!;
        const decision = sourceOrder({ lines, pickupLocationId: store.id }, locations, availability);
        const canServe = store.active && store.canPickup && lines.every((l) => (availability.get(l.sku)?.get(store.id) ?? 0) >= l.quantity);
        expect(decision.status).toBe(canServe ? 'active' : 'short');
        if (decision.status === 'active') for (const a of decision.lines) expect(a.locationId).toBe(store.id);
      }),
      { numRuns: 300 },
    );
  });
});
