import fc from 'fast-check';
import { planReservation } from '../src/domain/sourcing';
import type { StockLevel } from '../src/domain/stock-levels';

const level = (sku: string, locationId: string, onHand: number, reserved = 0): StockLevel => ({ sku, locationId, onHand, reserved });

describe('sourcing', () => {
  it('when several locations can serve the whole order, then the one with most stock of its SKUs wins, ties by id', () => {
    const levels = [level('A', 'L2', 5), level('B', 'L2', 5), level('A', 'L1', 9, 4), level('B', 'L1', 5), level('A', 'L3', 1)];
    expect(planReservation([{ sku: 'A', quantity: 2 }, { sku: 'B', quantity: 1 }], levels)).toEqual({
      status: 'active',
      lines: [
        { sku: 'A', locationId: 'L1', quantity: 2 },
        { sku: 'B', locationId: 'L1', quantity: 1 },
      ],
    });
  });

  it('when no location can serve every line, then lines are split greedily and reserved stock is not offered again', () => {
    const levels = [level('A', 'L1', 3, 1), level('A', 'L2', 2), level('B', 'L2', 1)];
    expect(planReservation([{ sku: 'A', quantity: 3 }, { sku: 'B', quantity: 1 }], levels)).toEqual({
      status: 'active',
      lines: [
        { sku: 'A', locationId: 'L1', quantity: 2 },
        { sku: 'A', locationId: 'L2', quantity: 1 },
        { sku: 'B', locationId: 'L2', quantity: 1 },
      ],
    });
  });

  it('when any line is short, then nothing is allocated and only the short lines are reported', () => {
    const plan = planReservation([{ sku: 'A', quantity: 1 }, { sku: 'B', quantity: 2 }, { sku: 'B', quantity: 1 }], [level('A', 'L1', 5), level('B', 'L1', 2)]);
    expect(plan).toEqual({ status: 'short', shortLines: [{ sku: 'B', requested: 3, available: 2 }] });
  });

  it('when given any stock and order, then an active plan holds exactly what was asked and never more than is available', () => {
    const skus = ['A', 'B', 'C'];
    const locations = ['L1', 'L2', 'L3'];
    fc.assert(
      fc.property(
        fc.array(fc.record({ sku: fc.constantFrom(...skus), locationId: fc.constantFrom(...locations), onHand: fc.nat(10), reserved: fc.nat(10) })),
        fc.array(fc.record({ sku: fc.constantFrom(...skus), quantity: fc.integer({ min: 1, max: 12 }) }), { minLength: 1, maxLength: 4 }),
        (raw, requested) => {
          // One level per SKU and location, as the aggregation yields.
          const levels = [...new Map(raw.map((l) => [`${l.sku}/${l.locationId}`, { ...l, reserved: Math.min(l.reserved, l.onHand) }])).values()];
          const plan = planReservation(requested, levels);
          const wanted = (sku: string) => requested.filter((r) => r.sku === sku).reduce((s, r) => s + r.quantity, 0);
          const free = (sku: string, loc?: string) =>
            levels.filter((l) => l.sku === sku && (!loc || l.locationId === loc)).reduce((s, l) => s + l.onHand - l.reserved, 0);
          if (plan.status === 'short') {
            expect(plan.shortLines.length).toBeGreaterThan(0);
            for (const s of plan.shortLines) expect(free(s.sku)).toBeLessThan(wanted(s.sku));
            return;
          }
          for (const sku of new Set(requested.map((r) => r.sku))) {
            expect(plan.lines.filter((l) => l.sku === sku).reduce((s, l) => s + l.quantity, 0)).toBe(wanted(sku));
          }
          for (const line of plan.lines) {
            expect(line.quantity).toBeGreaterThan(0);
            expect(line.quantity).toBeLessThanOrEqual(free(line.sku, line.locationId));
          }
        },
      ),
    );
  });
});
