import { DEFAULT_SHIPPING_COVERAGE, type MessageData } from '@oms/contracts';
import { AppError } from '@oms/errors';
import { sampleOrder } from '@oms/testing';
import type { OrderState } from '../../src/domain/order';
import { nextCheckKey, orderIdOfCheckKey } from '../../src/domain/check-keys';
import { cancelOrder } from '../../src/domain/cancel-order';
import { amendOrder as amendWith, releaseHold } from '../../src/domain/order-amend';
import type { OrderChange } from '../../src/domain/order';
import { reactTo } from '../../src/domain/reactions';
import { fact as msg, ID, orderIn, sent } from './order-fixtures';

/** A change with the shipped coverage table. */
const amendOrder = (order: OrderState, fact: Parameters<typeof amendWith>[1]): OrderChange => amendWith(order, fact, DEFAULT_SHIPPING_COVERAGE);

/** The amend rules as pure functions: what a change re-runs and what it gives back. */
const amend = (data: Partial<MessageData<'order.amend.v1'>>) =>
  msg('order.amend.v1', { orderId: ID, actor: 'api-key:ops-1', ...data } as MessageData<'order.amend.v1'>);

const newAddress = { name: 'Anna Schmidt', line1: 'Torstraße 1', postalCode: '10119', city: 'Berlin', country: 'DE' };
const threeShirts = [{ sku: 'TSHIRT-BLK-M', quantity: 3, unitPrice: 1999 }];

describe('changing an order (amend rules)', () => {
  it('when the shipping address changes, then it is recorded with the actor and checked again, and nothing else is re-checked', () => {
    const change = amendOrder(orderIn({ checks: { stock: 'reserved', payment: 'pending' } }), amend({ shippingAddress: newAddress }));
    expect(change.set.shippingAddress).toEqual(newAddress);
    expect(change.send).toEqual([]);
    expect(change.set.holds).toEqual([]);
    expect(change.timeline).toEqual([
      expect.objectContaining({
        type: 'order_amended',
        actor: 'api-key:ops-1',
        service: 'gateway',
        at: '2026-01-01T11:00:00.000Z',
        detail: expect.stringContaining('Torstraße 1'),
      }),
      expect.objectContaining({
        type: 'address_checked',
        service: 'ingestion',
        detail: expect.stringMatching(/^deliverable by standard; checked in [\d.]+ ms$/),
      }),
    ]);
  });

  it('when an order held address_invalid gets a deliverable address, then the hold is lifted and the reserved, approved order goes to the warehouse', () => {
    const held = orderIn({
      status: 'on_hold',
      holds: [{ reason: 'address_invalid', detail: 'postal code 10115 is Berlin, not Hamburg', at: '2026-01-01T10:00:00.000Z' }],
    });
    const change = amendOrder(held, amend({ shippingAddress: newAddress }));
    expect(change.set.holds).toEqual([]);
    expect(change.set.status).toBe('ready_to_fulfill');
    expect(sent(change).map(([type]) => type)).toEqual([
      'order.status-changed.v1',
      'order.status-changed.v1',
      'notification.order-confirmed.v1',
      'fulfillment.open.v1',
    ]);
  });

  it('when the new address still cannot be delivered to, then the hold is renewed with the new reasons and the order stays held', () => {
    const held = orderIn({ status: 'on_hold', holds: [{ reason: 'address_invalid', detail: 'old reason', at: '2026-01-01T10:00:00.000Z' }] });
    const change = amendOrder(held, amend({ shippingAddress: { ...newAddress, city: 'Hamburg' } }));
    expect(change.set.holds).toEqual([
      expect.objectContaining({
        reason: 'address_invalid',
        detail: 'postal code 10119 is Berlin, not Hamburg',
        suggestion: expect.objectContaining({ city: 'Berlin' }),
      }),
    ]);
    expect(change.set.status).toBeUndefined();
    expect(change.send).toEqual([]);
  });

  it('when lines and payment amount change together, then the reservation is released, the authorization voided, and both are asked for again under new keys', () => {
    const change = amendOrder(orderIn(), amend({ lines: threeShirts, paymentAmount: 3 * 1999 + 495 }));
    expect(sent(change)).toEqual([
      ['stock.release.v1', ID],
      ['payment.void.v1', ID],
      ['stock.reserve.v1', `${ID}~2`],
      ['payment.check.v1', `${ID}~2`],
    ]);
    expect(change.send.find((s) => s.type === 'stock.reserve.v1')!.data).toMatchObject({ lines: [{ sku: 'TSHIRT-BLK-M', quantity: 3 }] });
    expect(change.send.find((s) => s.type === 'payment.check.v1')!.data).toMatchObject({ amount: 6492, currency: 'EUR' });
    expect(change.set).toMatchObject({
      checks: { stock: 'pending', payment: 'pending' },
      checkKeys: { stock: `${ID}~2`, payment: `${ID}~2` },
      allocation: [],
      lines: threeShirts,
    });
  });

  it('when lines change but the total stays the same, then stock is reserved again and the approved payment stands', () => {
    const lines = [{ sku: 'TSHIRT-WHT-M', quantity: 2, unitPrice: 1999 }];
    const change = amendOrder(orderIn(), amend({ lines }));
    expect(sent(change)).toEqual([
      ['stock.release.v1', ID],
      ['stock.reserve.v1', `${ID}~2`],
    ]);
    expect(change.set.checks).toEqual({ stock: 'pending', payment: 'approved' });
  });

  it('when lines change and the payment amount no longer matches, then the order is held with amount_mismatch and nothing new is asked for', () => {
    const change = amendOrder(orderIn(), amend({ lines: threeShirts }));
    expect(sent(change)).toEqual([
      ['stock.release.v1', ID],
      ['order.status-changed.v1', ID],
    ]);
    expect(change.set.status).toBe('on_hold');
    expect(change.set.holds).toEqual([expect.objectContaining({ reason: 'amount_mismatch', detail: expect.stringContaining('6492') })]);
    expect(change.set.checks).toEqual({ stock: 'none', payment: 'approved' });
  });

  it('when an order held for amount_mismatch gets the right payment amount, then the hold goes, it is pending and both checks start under the unused keys', () => {
    const held = orderIn({
      status: 'on_hold',
      holds: [{ reason: 'amount_mismatch', detail: 'x', at: '2026-01-01T10:00:00.000Z' }],
      checks: { stock: 'none', payment: 'none' },
      allocation: [],
      payment: { ...sampleOrder().payment, amount: 1 },
    });
    const change = amendOrder(held, amend({ paymentAmount: 4493 }));
    expect(sent(change)).toEqual([
      ['stock.reserve.v1', ID],
      ['payment.check.v1', ID],
      ['order.status-changed.v1', ID],
    ]);
    expect(change.set).toMatchObject({ status: 'pending', holds: [], checks: { stock: 'pending', payment: 'pending' } });
  });

  it('when an order held for stock_short gets other lines, then the short hold is lifted and a new reservation is asked for', () => {
    const short = orderIn({
      status: 'on_hold',
      holds: [{ reason: 'stock_short', detail: 'x', at: 't' }],
      checks: { stock: 'short', payment: 'approved' },
      allocation: [],
    });
    const change = amendOrder(short, amend({ lines: [{ sku: 'TSHIRT-WHT-M', quantity: 2, unitPrice: 1999 }] }));
    expect(change.set.status).toBe('pending');
    expect(change.set.holds).toEqual([]);
    expect(sent(change)).toContainEqual(['stock.reserve.v1', `${ID}~2`]);
  });

  it('when another hold remains, then the checks run again but the order stays on hold', () => {
    const held = orderIn({ status: 'on_hold', holds: [{ reason: 'customer_decision', detail: 'x', at: 't' }] });
    const change = amendOrder(held, amend({ lines: [{ sku: 'TSHIRT-WHT-M', quantity: 2, unitPrice: 1999 }] }));
    expect(change.set.status).toBeUndefined();
    expect(change.set.holds).toEqual([expect.objectContaining({ reason: 'customer_decision' })]);
    expect(sent(change)).toContainEqual(['stock.reserve.v1', `${ID}~2`]);
  });

  it.each(['ready_to_fulfill', 'packed', 'shipped', 'cancelled', 'rejected'] as const)(
    'when the order is %s, then a change is refused with 409 and the reason',
    (status) => {
      try {
        amendOrder(orderIn({ status }), amend({ shippingAddress: newAddress }));
        throw new Error('not refused');
      } catch (err) {
        expect(err).toBeInstanceOf(AppError);
        expect((err as AppError).status).toBe(409);
        expect((err as AppError).detail).toContain(`An order that is ${status} can no longer be changed`);
      }
    },
  );

  it('when the same values are sent again, then nothing changes', () => {
    const order = orderIn();
    const change = amendOrder(order, amend({ shippingAddress: order.shippingAddress, lines: order.lines, paymentAmount: order.payment.amount }));
    expect(change).toEqual({ set: {}, timeline: [], send: [] });
  });
});

describe('reports about replaced checks', () => {
  const amended = orderIn({ checks: { stock: 'pending', payment: 'pending' }, checkKeys: { stock: `${ID}~2`, payment: `${ID}~2` }, allocation: [] });

  it('when the old reservation is made after the change, then it is released again and decides nothing', () => {
    const change = reactTo(
      amended,
      msg('stock.reserved.v1', { orderId: ID, lines: [{ sku: 'TSHIRT-BLK-M', quantity: 2, locationId: 'berlin' }] }, 'inventory'),
    );
    expect(sent(change)).toEqual([['stock.release.v1', ID]]);
    expect(change.set).toEqual({});
  });

  it('when the old authorization is approved after the change, then it is voided again', () => {
    const change = reactTo(
      amended,
      msg('payment.approved.v1', { orderId: ID, checkId: 'c', amount: 4493, currency: 'EUR', providerRef: 'p' }, 'payment-check'),
    );
    expect(sent(change)).toEqual([['payment.void.v1', ID]]);
    expect(change.set).toEqual({});
  });

  it('when the new reservation and payment are reported under the new keys, then the order is ready to fulfill', () => {
    const reserved = reactTo(
      amended,
      msg('stock.reserved.v1', { orderId: `${ID}~2`, lines: [{ sku: 'TSHIRT-BLK-M', quantity: 2, locationId: 'berlin' }] }, 'inventory'),
    );
    const after = { ...amended, ...reserved.set } as OrderState;
    const approved = reactTo(
      after,
      msg('payment.approved.v1', { orderId: `${ID}~2`, checkId: 'c', amount: 4493, currency: 'EUR', providerRef: 'p' }, 'payment-check'),
    );
    expect(approved.set.status).toBe('ready_to_fulfill');
  });

  it('when an amended order is cancelled, then the current reservation and authorization are the ones given back', () => {
    const change = cancelOrder(amended, msg('order.cancel.v1', { orderId: ID, reason: 'customer asked', actor: 'api-key:ops-1' }));
    expect(sent(change)).toEqual(
      expect.arrayContaining([
        ['stock.release.v1', `${ID}~2`],
        ['payment.void.v1', `${ID}~2`],
      ]),
    );
  });

  it('when keys are derived, then each leads back to its order', () => {
    expect(nextCheckKey(ID)).toBe(`${ID}~2`);
    expect(nextCheckKey(`${ID}~2`)).toBe(`${ID}~3`);
    expect(orderIdOfCheckKey(`${ID}~3`)).toBe(ID);
    expect(orderIdOfCheckKey(ID)).toBe(ID);
  });
});

describe('releasing a hold', () => {
  const release = (reason: string) =>
    msg('order.release-hold.v1', { orderId: ID, reason, actor: 'api-key:ops-1', note: 'restocked' } as MessageData<'order.release-hold.v1'>);

  it('when the stock_short hold is released, then the order is pending and stock is reserved again under a new key', () => {
    const short = orderIn({
      status: 'on_hold',
      holds: [{ reason: 'stock_short', detail: 'x', at: 't' }],
      checks: { stock: 'short', payment: 'approved' },
      allocation: [],
    });
    const change = releaseHold(short, release('stock_short'));
    expect(change.set).toMatchObject({
      status: 'pending',
      holds: [],
      checks: { stock: 'pending', payment: 'approved' },
      checkKeys: { stock: `${ID}~2`, payment: ID },
    });
    expect(sent(change)).toContainEqual(['stock.reserve.v1', `${ID}~2`]);
    expect(change.timeline[0]).toMatchObject({ type: 'hold_released', actor: 'api-key:ops-1', detail: 'stock_short: restocked' });
  });

  it('when the order has no such hold, then the release is refused with 409', () => {
    expect(() => releaseHold(orderIn(), release('payment_review'))).toThrow(/has no payment_review hold/);
  });
});
