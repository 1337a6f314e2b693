import { forecast, replenishment } from '../../src/domain/planning';

describe('planning rules', () => {
  const position = { sku: 'A', onHand: 40, reserved: 10, safetyStock: 5, incoming: 20, sold: 60, leadTimeDays: 14 };

  it('when velocity, lead time, safety stock, stock and incoming are known, then the suggestion orders up to the target', () => {
    // 60 sold in 30 days = 2/day; cover 14 + 7 days = 42, + 5 safety = 47; position 40 - 10 + 20 = 50.
    expect(replenishment(position, { days: 30, reviewDays: 7 })).toMatchObject({ velocityPerDay: 2, target: 47, position: 50, suggestedQuantity: 0 });
    expect(replenishment({ ...position, incoming: 0 }, { days: 30, reviewDays: 7 })).toMatchObject({ position: 30, suggestedQuantity: 17 });
    expect(replenishment({ ...position, sold: 0, safetyStock: 0 }, { days: 30, reviewDays: 7 })).toMatchObject({ target: 0, suggestedQuantity: 0 });
  });

  it('when a SKU sells, then days of cover and the run-out date follow from the velocity; nothing sold means no run-out', () => {
    const today = new Date('2026-11-27T10:00:00Z');
    expect(forecast(position, { days: 30, reviewDays: 7 }, today)).toEqual({
      sku: 'A',
      velocityPerDay: 2,
      available: 30,
      daysOfCover: 15,
      runsOutOn: '2026-12-12',
    });
    expect(forecast({ ...position, sold: 0 }, { days: 30, reviewDays: 7 }, today)).toMatchObject({ daysOfCover: null, runsOutOn: null });
    expect(forecast({ ...position, reserved: 45 }, { days: 30, reviewDays: 7 }, today)).toMatchObject({ daysOfCover: 0, runsOutOn: '2026-11-27' });
  });
});
