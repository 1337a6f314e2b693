import { Refusal } from '@oms/errors';
import { assertConsumable, assertShortPickable, isReleasable, pickEntries, type ReservationState } from '../../src/domain/reservation';

const lines = [
  { sku: 'A', locationId: 'WH-1', quantity: 2 },
  { sku: 'B', locationId: 'WH-2', quantity: 1 },
];
const reservation = (status: ReservationState['status']): ReservationState => ({ status, lines });

describe('reservation rules', () => {
  it('when a reservation is active, short or backordered, then a release ends it; released, consumed or none is left alone', () => {
    expect(['active', 'short', 'backordered'].every((s) => isReleasable(s as ReservationState['status']))).toBe(true);
    expect(['released', 'consumed', undefined].some((s) => isReleasable(s as ReservationState['status'] | undefined))).toBe(false);
  });

  it('when a consume finds no reservation, then it is refused as not found; one neither active nor consumed as a conflict', () => {
    expect(() => assertConsumable('o-1', null)).toThrow(expect.objectContaining({ kind: 'not_found', status: 404, detail: 'order o-1 has no reservation' }));
    for (const status of ['short', 'backordered', 'released'] as const) {
      expect(() => assertConsumable('o-1', reservation(status))).toThrow(
        expect.objectContaining({ kind: 'conflict', status: 409, detail: `the reservation of order o-1 is ${status}, not active` }),
      );
    }
    expect(() => assertConsumable('o-1', reservation('active'))).not.toThrow();
    expect(() => assertConsumable('o-1', reservation('consumed'))).not.toThrow();
  });

  it('when a short pick finds no reservation, then it is refused as not found; one not active as a conflict', () => {
    expect(() => assertShortPickable('o-1', null)).toThrow(Refusal);
    expect(() => assertShortPickable('o-1', null)).toThrow(expect.objectContaining({ kind: 'not_found', detail: 'reservation of order o-1 was not found' }));
    expect(() => assertShortPickable('o-1', reservation('consumed'))).toThrow(expect.objectContaining({ kind: 'conflict' }));
    expect(() => assertShortPickable('o-1', reservation('active'))).not.toThrow();
  });

  it('when a reservation is consumed, then each line becomes a pick with an id fixed by order, SKU and location', () => {
    const at = new Date('2026-12-01T00:00:00Z');
    expect(pickEntries('o-1', lines, 'ingestion', at)).toEqual([
      { _id: 'pick:o-1:A:WH-1', sku: 'A', locationId: 'WH-1', quantity: -2, type: 'pick', reference: 'o-1', reservationId: 'o-1', actor: 'ingestion', at },
      { _id: 'pick:o-1:B:WH-2', sku: 'B', locationId: 'WH-2', quantity: -1, type: 'pick', reference: 'o-1', reservationId: 'o-1', actor: 'ingestion', at },
    ]);
  });
});
