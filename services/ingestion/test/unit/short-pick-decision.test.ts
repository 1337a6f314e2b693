import { decideOnShortage } from '../../src/domain/order-decide';
import type { Hold } from '../../src/domain/order';
import { fact, ID, orderIn, sentTypes } from './order-fixtures';

/** The customer's choice after a short pick found the missing units nowhere (the customer_decision hold). */
describe('decisions after a short pick (domain)', () => {
  const hold: Hold = {
    reason: 'customer_decision',
    detail: 'short pick: 1 × TSHIRT-BLK-M missing',
    at: '2026-01-01T11:00:00.000Z',
    missing: [{ sku: 'TSHIRT-BLK-M', missing: 1 }],
    options: [{ sku: 'TSHIRT-BLK-M', substitutes: [{ sku: 'TSHIRT-BLK-L', available: 4 }], incoming: [], canCancelLine: true }],
  };
  const held = () =>
    orderIn({
      status: 'on_hold',
      holds: [hold],
      fulfillments: [{ id: 'f-1', locationId: 'berlin', status: 'picking' }],
      allocation: [{ sku: 'TSHIRT-BLK-M', quantity: 1, locationId: 'berlin' }],
      // It was ready to fulfill before the short pick held it (and the customer was told then).
      timeline: [{ at: '2026-01-01T10:30:00.000Z', type: 'status_changed', service: 'ingestion', status: 'ready_to_fulfill' }],
    });
  const decide = (decisions: Array<{ sku: string; choice: 'substitute' | 'wait' | 'cancel_line'; substituteSku?: string }>) =>
    decideOnShortage(held(), fact('order.decide.v1', { orderId: ID, decisions, actor: 'channel:shop' }));

  it('when the customer drops the missing unit, then the line shrinks, less is captured at shipment and the order goes back to the warehouse', () => {
    const order = held();
    const change = decide([{ sku: 'TSHIRT-BLK-M', choice: 'cancel_line' }]);
    expect(change.set.lines).toEqual([expect.objectContaining({ sku: 'TSHIRT-BLK-M', quantity: 1 })]);
    // One shirt of 19.99 less: the amount to capture drops by its price.
    expect(change.set.payment?.amount).toBe(order.payment.amount - 1999);
    expect(change.set.holds).toEqual([]);
    expect(change.set.status).toBe('ready_to_fulfill');
    expect(change.timeline.map((t) => t.type)).toEqual(['customer_decision', 'payment_adjusted', 'status_changed']);
    expect(sentTypes(change)).toEqual(['order.status-changed.v1']);
  });

  it('when the customer takes a substitute, then it joins the order at the line’s price and is reserved on top', () => {
    const change = decide([{ sku: 'TSHIRT-BLK-M', choice: 'substitute', substituteSku: 'TSHIRT-BLK-L' }]);
    expect(change.set.lines?.map((l) => [l.sku, l.quantity, l.unitPrice])).toEqual([
      ['TSHIRT-BLK-M', 1, 1999],
      ['TSHIRT-BLK-L', 1, 1999],
    ]);
    expect(change.set.payment).toBeUndefined();
    expect(change.send).toContainEqual({
      type: 'stock.supplement.v1',
      data: { orderId: ID, lines: [{ sku: 'TSHIRT-BLK-L', quantity: 1 }], shipTo: { country: 'DE', postalCode: '10115' } },
    });
  });

  it('when the customer waits, then the line stays, the missing unit is backordered on top and the order waits whole on a stock_short hold naming it', () => {
    const order = held();
    const change = decide([{ sku: 'TSHIRT-BLK-M', choice: 'wait' }]);
    expect(change.set.lines).toEqual(order.lines);
    expect(change.set.payment).toBeUndefined();
    expect(change.set.status).toBeUndefined(); // still on_hold
    expect(change.set.holds).toEqual([
      expect.objectContaining({ reason: 'stock_short', missing: [{ sku: 'TSHIRT-BLK-M', missing: 1 }], detail: expect.stringContaining('1 × TSHIRT-BLK-M') }),
    ]);
    expect(change.send).toEqual([
      {
        type: 'stock.supplement.v1',
        data: { orderId: ID, lines: [{ sku: 'TSHIRT-BLK-M', quantity: 1 }], shipTo: { country: 'DE', postalCode: '10115' }, backorder: true },
      },
    ]);
  });

  it('when the customer names a substitute not offered, then the decision is refused naming the field', () => {
    expect(() => decide([{ sku: 'TSHIRT-BLK-M', choice: 'substitute', substituteSku: 'MUG' }])).toThrow(
      expect.objectContaining({ errors: [expect.objectContaining({ path: 'decisions.0.substituteSku' })] }),
    );
  });

  it('when every unit of the order is dropped, then the order is cancelled and everything given back', () => {
    const order = orderIn({ status: 'on_hold', holds: [{ ...hold, missing: [{ sku: 'TSHIRT-BLK-M', missing: 2 }] }] });
    const change = decideOnShortage(order, fact('order.decide.v1', { orderId: ID, decisions: [{ sku: 'TSHIRT-BLK-M', choice: 'cancel_line' }], actor: 'ops' }));
    expect(change.set.status).toBe('cancelled');
    expect(sentTypes(change)).toEqual(['order.status-changed.v1', 'stock.release.v1', 'payment.void.v1', 'fulfillment.cancel.v1']);
  });
});
