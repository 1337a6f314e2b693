import { canonicalOrderSchema, queueDefinition, type MessageData, type OrderStatus } from '@oms/contracts';
import { orderIdOf } from '@oms/messaging';
import type { OrderState } from '../../src/domain/order';
import { syncFulfillmentHold } from '../../src/domain/order-steps';
import { reactTo, REACTIONS } from '../../src/domain/reactions';
import { everyParcelDelivered } from '../../src/domain/reactions/shipment';
import { fact, ID, orderIn, sent, sentTypes } from './order-fixtures';

/** The order process as pure reactions: one per event, including late, repeated and out-of-order reports. */

const CLOSED: OrderStatus[] = ['cancelled', 'rejected'];
const line = { sku: 'TSHIRT-BLK-M', quantity: 2, locationId: 'berlin' };
const statusOf = (order: OrderState, change: ReturnType<typeof reactTo>) => change.set.status ?? order.status;

const reserved = (orderId = ID) => fact('stock.reserved.v1', { orderId, lines: [line] }, 'inventory');
const approved = (orderId = ID) =>
  fact('payment.approved.v1', { orderId, checkId: 'chk-1', amount: 4493, currency: 'EUR', providerRef: 'auth-1' }, 'payment-check');
const packed = (fulfillmentId = 'f-1') =>
  fact(
    'fulfillment.packed.v1',
    { orderId: ID, fulfillmentId, locationId: 'berlin', lines: [{ sku: 'TSHIRT-BLK-M', quantity: 2 }], actor: 'api-key:ops' },
    'fulfillment',
  );
const booked = (shipmentId = 's-1') =>
  fact('shipment.booked.v1', { orderId: ID, shipmentId, carrierId: 'sandbox', trackingNumber: 'SBX000000000001' }, 'carrier');
const scan = (status: 'in_transit' | 'delivered' | 'returned_to_sender' | 'out_for_delivery', shipmentId = 's-1') =>
  fact(
    'shipment.tracking-updated.v1',
    { orderId: ID, shipmentId, trackingNumber: 'SBX000000000001', status, occurredAt: '2026-01-02T10:00:00.000Z' },
    'carrier',
  );

describe('the order process reactions', () => {
  it('when the reactions are listed, then there is exactly one per event of ingestion.order-progress', () => {
    expect(Object.keys(REACTIONS).sort()).toEqual([...(queueDefinition('ingestion.order-progress').events ?? [])].sort());
  });

  describe('stock and payment checks', () => {
    it('when stock is reserved and the payment was approved already, then the order is ready and a fulfillment is opened at the allocated location', () => {
      const order = orderIn({ checks: { stock: 'pending', payment: 'approved' } });
      const change = reactTo(order, reserved());
      expect(change.set.status).toBe('ready_to_fulfill');
      expect(change.set.allocation).toEqual([line]);
      expect(change.send).toContainEqual(
        expect.objectContaining({ type: 'fulfillment.open.v1', data: expect.objectContaining({ orderId: ID, lines: [line] }) }),
      );
    });

    it('when stock is reserved while the payment is still being checked, then the order waits, pending', () => {
      const order = orderIn({ checks: { stock: 'pending', payment: 'pending' } });
      const change = reactTo(order, reserved());
      expect(statusOf(order, change)).toBe('pending');
      expect(change.set.checks).toEqual({ stock: 'reserved', payment: 'pending' });
      expect(change.send).toEqual([]);
    });

    it('when the payment is approved after the stock was reserved, then the order is ready to fulfill', () => {
      const order = orderIn({ checks: { stock: 'reserved', payment: 'pending' } });
      const change = reactTo(order, approved());
      expect(change.set.status).toBe('ready_to_fulfill');
      expect(sentTypes(change)).toEqual(['order.status-changed.v1', 'notification.order-confirmed.v1', 'fulfillment.open.v1']);
    });

    it.each(CLOSED)('when stock is reserved for an order that is %s, then the reservation is released and nothing moves on', (status) => {
      const order = orderIn({ status, checks: { stock: 'pending', payment: 'voided' } });
      const change = reactTo(order, reserved());
      expect(statusOf(order, change)).toBe(status);
      expect(sent(change)).toEqual([['stock.release.v1', ID]]);
    });

    it.each(CLOSED)('when a payment is approved for an order that is %s, then the authorization is voided, not kept', (status) => {
      const order = orderIn({ status, checks: { stock: 'released', payment: 'pending' } });
      const change = reactTo(order, approved());
      expect(statusOf(order, change)).toBe(status);
      expect(sent(change)).toEqual([['payment.void.v1', ID]]);
      expect(change.timeline.map((t) => t.type)).toEqual(['payment_approved', 'payment_void_requested']);
    });

    it('when a payment is approved, then the timeline shows the amount by its currency: 44.93 EUR, 4493 JPY', () => {
      const eur = reactTo(orderIn({ checks: { stock: 'pending', payment: 'pending' } }), approved());
      expect(eur.timeline[0].detail).toBe('44.93 EUR approved (auth-1); 3600000 ms after intake');
      const yen = fact('payment.approved.v1', { orderId: ID, checkId: 'chk-1', amount: 4493, currency: 'JPY', providerRef: 'auth-1' }, 'payment-check');
      expect(reactTo(orderIn({ currency: 'JPY', checks: { stock: 'pending', payment: 'pending' } }), yen).timeline[0].detail).toBe(
        '4493 JPY approved (auth-1); 3600000 ms after intake',
      );
    });

    it('when the payment is declined, then the order is rejected and its stock released', () => {
      const order = orderIn({ checks: { stock: 'reserved', payment: 'pending' } });
      const change = reactTo(order, fact('payment.declined.v1', { orderId: ID, checkId: 'chk-1', reason: 'insufficient funds' }, 'payment-check'));
      expect(change.set.status).toBe('rejected');
      expect(sent(change)).toEqual([
        ['order.status-changed.v1', ID],
        ['stock.release.v1', ID],
      ]);
    });

    it.each(CLOSED)(
      'when the reservation is reported after its release on a %s order (handled out of order), then the stock check stays released and the release is asked once more',
      (status) => {
        const order = orderIn({ status, checks: { stock: 'released', payment: 'voided' } });
        const change = reactTo(order, reserved());
        expect(change.set.checks).toBeUndefined();
        expect(change.set.allocation).toBeUndefined();
        expect(sent(change)).toEqual([['stock.release.v1', ID]]);
        expect(change.timeline.map((t) => t.detail)).toEqual([expect.stringContaining('after the reservation was released')]);
      },
    );

    it('when the reservation is reported again after the stock left with the parcel, then nothing changes and nothing is sent', () => {
      const order = orderIn({ status: 'shipped', checks: { stock: 'consumed', payment: 'approved' } });
      const change = reactTo(order, reserved());
      expect(change.set).toEqual({});
      expect(change.send).toEqual([]);
    });

    it('when the approval is reported after the void on a cancelled order, then the payment check stays voided and the void is asked once more', () => {
      const order = orderIn({ status: 'cancelled', checks: { stock: 'released', payment: 'voided' } });
      const change = reactTo(order, approved());
      expect(change.set.checks).toBeUndefined();
      expect(sent(change)).toEqual([['payment.void.v1', ID]]);
    });

    it('when a decline arrives for an order already cancelled, then the order stays cancelled and nothing is released twice', () => {
      const order = orderIn({ status: 'cancelled', checks: { stock: 'released', payment: 'pending' } });
      const change = reactTo(order, fact('payment.declined.v1', { orderId: ID, checkId: 'chk-1', reason: 'expired card' }, 'payment-check'));
      expect(statusOf(order, change)).toBe('cancelled');
      expect(change.send).toEqual([]);
    });

    it('when stock is short, then the order is held for the customer’s decision with the options inventory offered', () => {
      const options = [{ sku: 'TSHIRT-BLK-M', substitutes: [], incoming: [], canCancelLine: true }];
      const order = orderIn({ checks: { stock: 'pending', payment: 'approved' } });
      const change = reactTo(
        order,
        fact('stock.short.v1', { orderId: ID, lines: [{ sku: 'TSHIRT-BLK-M', requested: 2, available: 0 }], options }, 'inventory'),
      );
      expect(change.set.status).toBe('on_hold');
      expect(change.set.holds).toEqual([expect.objectContaining({ reason: 'stock_short', options })]);
    });

    it('when a backordered order’s stock arrives, then its stock_short hold ends and it becomes ready', () => {
      const order = orderIn({
        status: 'on_hold',
        checks: { stock: 'backordered', payment: 'approved' },
        holds: [{ reason: 'stock_short', detail: 'waiting', at: '2026-01-01T10:00:00.000Z' }],
      });
      const change = reactTo(order, reserved());
      expect(change.set.holds).toEqual([]);
      expect(change.set.status).toBe('ready_to_fulfill');
    });

    it('when a backordered order’s stock arrives but another hold remains, then it stays on hold', () => {
      const holds = [
        { reason: 'stock_short' as const, detail: 'waiting', at: '2026-01-01T10:00:00.000Z' },
        { reason: 'payment_review' as const, detail: 'manual review', at: '2026-01-01T10:00:00.000Z' },
      ];
      const order = orderIn({ status: 'on_hold', checks: { stock: 'backordered', payment: 'approved' }, holds });
      const change = reactTo(order, reserved());
      expect(change.set.holds).toEqual([holds[1]]);
      expect(change.set.status).toBeUndefined();
    });
  });

  describe('reports about a check the order has replaced', () => {
    it('when the old reservation answers after the lines changed, then it is released again and decides nothing', () => {
      const order = orderIn({ checkKeys: { stock: `${ID}~2`, payment: ID }, checks: { stock: 'pending', payment: 'approved' } });
      const change = reactTo(order, reserved(ID));
      expect(change.set).toEqual({});
      expect(sent(change)).toEqual([['stock.release.v1', ID]]);
    });

    it('when the old authorization is approved after the amount changed, then it is voided again', () => {
      const order = orderIn({ checkKeys: { stock: ID, payment: `${ID}~2` } });
      const change = reactTo(order, approved(ID));
      expect(change.set).toEqual({});
      expect(sent(change)).toEqual([['payment.void.v1', ID]]);
    });
  });

  describe('fulfillment', () => {
    const ready = (overrides: Partial<OrderState> = {}) =>
      orderIn({ status: 'ready_to_fulfill', fulfillments: [{ id: 'f-1', locationId: 'berlin', status: 'open' }], ...overrides });

    it('when the only fulfillment is packed, then the shipment is booked, the order is packed and its stock consumed', () => {
      const order = ready();
      const change = reactTo(order, packed());
      expect(change.set.status).toBe('packed');
      expect(sentTypes(change)).toEqual(['shipment.book.v1', 'order.status-changed.v1', 'stock.consume.v1']);
    });

    it('when one of two fulfillments is packed, then its parcel is booked but the order waits for the other', () => {
      const order = ready({
        fulfillments: [
          { id: 'f-1', locationId: 'berlin', status: 'open' },
          { id: 'f-2', locationId: 'hamburg', status: 'open' },
        ],
      });
      const change = reactTo(order, packed('f-1'));
      expect(change.set.status).toBeUndefined();
      expect(sentTypes(change)).toEqual(['shipment.book.v1']);
    });

    it.each(CLOSED)(
      'when a fulfillment is packed for an order that is %s (the pack raced the cancel), then no shipment is booked and no stock consumed',
      (status) => {
        const order = ready({ status });
        const change = reactTo(order, packed());
        expect(change.send).toEqual([]);
        expect(statusOf(order, change)).toBe(status);
        expect(change.timeline.map((t) => t.type)).toEqual(['fulfillment_packed', 'shipment_refused']);
      },
    );

    it('when a fulfillment is still being picked, then packing another does not make the order packed', () => {
      const order = ready({
        fulfillments: [
          { id: 'f-1', locationId: 'berlin', status: 'open' },
          { id: 'f-2', locationId: 'hamburg', status: 'picking' },
        ],
      });
      expect(reactTo(order, packed('f-1')).set.status).toBeUndefined();
    });

    it('when parcels are packed, then the booking carries them and the timeline counts them', () => {
      const parcels = [
        { lines: [{ sku: 'TSHIRT-BLK-M', quantity: 1 }], weightGrams: 400 },
        { lines: [{ sku: 'TSHIRT-BLK-M', quantity: 1 }], weightGrams: 450 },
      ];
      const change = reactTo(
        ready(),
        fact(
          'fulfillment.packed.v1',
          { orderId: ID, fulfillmentId: 'f-1', locationId: 'berlin', lines: [{ sku: 'TSHIRT-BLK-M', quantity: 2 }], parcels, actor: 'packer' },
          'fulfillment',
        ),
      );
      expect(change.send[0]).toMatchObject({ type: 'shipment.book.v1', data: { parcels } });
      expect(change.timeline[0].detail).toContain('in 2 parcels');
    });

    it('when picking starts, is done and the parcels are handed over, then the order keeps the fulfillment status and the timeline says who', () => {
      const order = ready();
      const picking = reactTo(
        order,
        fact('fulfillment.picking.v1', { orderId: ID, fulfillmentId: 'f-1', locationId: 'berlin', pickListId: 'pl-1', actor: 'lead' }, 'fulfillment'),
      );
      expect(picking.set.fulfillments).toEqual([{ id: 'f-1', locationId: 'berlin', status: 'picking' }]);
      expect(picking.timeline[0]).toMatchObject({ type: 'picking', actor: 'lead', detail: expect.stringContaining('pl-1') });
      const handedOver = reactTo(
        { ...order, fulfillments: [{ id: 'f-1', locationId: 'berlin', status: 'packed' }] },
        fact('fulfillment.handed-over.v1', { orderId: ID, fulfillmentId: 'f-1', locationId: 'berlin', actor: 'driver' }, 'fulfillment'),
      );
      expect(handedOver.set.fulfillments).toEqual([{ id: 'f-1', locationId: 'berlin', status: 'handed_over' }]);
      expect(handedOver.send).toEqual([]);
    });

    it('when an order with open work goes on hold or comes off it, then fulfillment is told, with a version that only grows', () => {
      const order = ready();
      const change = reactTo(
        order,
        fact('payment.reauthorization-declined.v1', { orderId: ID, checkId: 'chk-1', reason: 'insufficient funds' }, 'payment-check'),
      );
      syncFulfillmentHold(order, change);
      const hold = change.send.find((m) => m.type === 'fulfillment.set-order-hold.v1');
      expect(hold?.data).toEqual({ orderId: ID, held: true, reason: 'payment_review', version: order.timeline.length + change.timeline.length });
      // No work in the warehouse (or all of it done): nothing to tell.
      const none = reactTo(
        ready({ fulfillments: [] }),
        fact('payment.reauthorization-declined.v1', { orderId: ID, checkId: 'chk-1', reason: 'insufficient funds' }, 'payment-check'),
      );
      syncFulfillmentHold(ready({ fulfillments: [] }), none);
      expect(sentTypes(none)).not.toContain('fulfillment.set-order-hold.v1');
    });

    it('when a fulfillment is opened, then the order records it; a repeat of the same report changes nothing', () => {
      const order = ready({ fulfillments: [] });
      const opened = fact('fulfillment.opened.v1', { orderId: ID, fulfillmentId: 'f-1', locationId: 'berlin' }, 'fulfillment');
      const change = reactTo(order, opened);
      expect(change.set.fulfillments).toEqual([{ id: 'f-1', locationId: 'berlin', status: 'open' }]);
      expect(change.send).toEqual([]);
      const again = reactTo({ ...order, fulfillments: change.set.fulfillments! }, opened);
      expect(again).toEqual({ set: {}, timeline: [], send: [] });
    });

    it('when a fulfillment is opened after the order was cancelled (the cancel overtook the open), then it is cancelled again', () => {
      const order = orderIn({ status: 'cancelled' });
      const change = reactTo(order, fact('fulfillment.opened.v1', { orderId: ID, fulfillmentId: 'f-1', locationId: 'berlin' }, 'fulfillment'));
      expect(sent(change)).toEqual([['fulfillment.cancel.v1', ID]]);
    });

    it('when a short pick is reported, then inventory is asked to find the missing units elsewhere, avoiding locations the order already uses', () => {
      const order = ready();
      const change = reactTo(
        order,
        fact(
          'fulfillment.short-picked.v1',
          { orderId: ID, fulfillmentId: 'f-1', locationId: 'berlin', lines: [{ sku: 'TSHIRT-BLK-M', missing: 1 }], emptied: false, actor: 'picker' },
          'fulfillment',
        ),
      );
      expect(change.send).toEqual([
        expect.objectContaining({ type: 'stock.short-pick.v1', data: expect.objectContaining({ excludeLocationIds: ['berlin'] }) }),
      ]);
    });

    it('when units are reallocated to another location, then a pending fulfillment is registered there before it opens', () => {
      const order = ready();
      const change = reactTo(
        order,
        fact(
          'stock.reallocated.v1',
          {
            orderId: ID,
            corrected: [{ sku: 'TSHIRT-BLK-M', locationId: 'berlin', missing: 1 }],
            lines: [{ sku: 'TSHIRT-BLK-M', quantity: 1, locationId: 'hamburg' }],
            unfilled: [],
            reason: 'short pick',
          },
          'inventory',
        ),
      );
      expect(change.set.allocation).toEqual([
        { ...line, quantity: 1 },
        { sku: 'TSHIRT-BLK-M', quantity: 1, locationId: 'hamburg' },
      ]);
      expect(change.set.fulfillments).toContainEqual({ id: 'pending:hamburg', locationId: 'hamburg', status: 'open' });
      expect(sentTypes(change)).toEqual(['fulfillment.open.v1']);
    });

    it('when a short pick finds the missing units nowhere, then the customer decides: a customer_decision hold with the options and what is missing', () => {
      const options = [{ sku: 'TSHIRT-BLK-M', substitutes: [{ sku: 'TSHIRT-BLK-L', available: 3 }], incoming: [], canCancelLine: true }];
      const change = reactTo(
        ready(),
        fact(
          'stock.reallocated.v1',
          {
            orderId: ID,
            corrected: [{ sku: 'TSHIRT-BLK-M', locationId: 'berlin', missing: 1 }],
            lines: [],
            unfilled: [{ sku: 'TSHIRT-BLK-M', missing: 1 }],
            reason: 'none elsewhere',
            options,
          },
          'inventory',
        ),
      );
      expect(change.set.status).toBe('on_hold');
      expect(change.set.holds).toEqual([expect.objectContaining({ reason: 'customer_decision', missing: [{ sku: 'TSHIRT-BLK-M', missing: 1 }], options })]);
    });

    it('when units are added at a location that has the order’s work already (a substitute), then they are added to that fulfillment', () => {
      const change = reactTo(
        ready(),
        fact(
          'stock.reallocated.v1',
          { orderId: ID, corrected: [], lines: [{ sku: 'TSHIRT-BLK-L', quantity: 1, locationId: 'berlin' }], unfilled: [], reason: 'added to the order' },
          'inventory',
        ),
      );
      expect(change.send).toEqual([
        expect.objectContaining({
          type: 'fulfillment.add-lines.v1',
          data: expect.objectContaining({ locationId: 'berlin', lines: [{ sku: 'TSHIRT-BLK-L', quantity: 1 }] }),
        }),
      ]);
    });

    describe('units the customer waits for after a short pick', () => {
      const waiting = (missing: number) =>
        orderIn({
          status: 'on_hold',
          holds: [{ reason: 'stock_short', detail: 'waiting', at: '2026-01-01T11:00:00.000Z', missing: [{ sku: 'TSHIRT-BLK-M', missing }] }],
          fulfillments: [{ id: 'f-1', locationId: 'berlin', status: 'picking' }],
          allocation: [{ ...line, quantity: 1 }],
        });
      const added = (quantity: number) =>
        fact(
          'stock.reallocated.v1',
          { orderId: ID, corrected: [], lines: [{ sku: 'TSHIRT-BLK-M', quantity, locationId: 'berlin' }], unfilled: [], reason: 'backorder served' },
          'inventory',
        );

      it('when inventory reports them backordered, then the order keeps waiting on its hold and no decision is asked for again', () => {
        const change = reactTo(
          waiting(1),
          fact(
            'stock.reallocated.v1',
            { orderId: ID, corrected: [], lines: [], unfilled: [{ sku: 'TSHIRT-BLK-M', missing: 1 }], reason: 'backordered', backordered: true },
            'inventory',
          ),
        );
        expect(change.set.holds).toBeUndefined();
        expect(change.set.status).toBeUndefined();
        expect(change.timeline.map((t) => t.type)).toEqual(['stock_reallocated']);
      });

      it('when they arrive, then the fulfillment gets them, the hold is lifted and the order goes back to the warehouse', () => {
        const change = reactTo(waiting(1), added(1));
        expect(change.set.allocation).toContainEqual({ sku: 'TSHIRT-BLK-M', quantity: 1, locationId: 'berlin' });
        expect(change.set.holds).toEqual([]);
        expect(change.set.status).toBe('ready_to_fulfill');
        expect(sentTypes(change)).toEqual(expect.arrayContaining(['fulfillment.add-lines.v1', 'order.status-changed.v1']));
      });

      it('when only some arrive, then the hold names what is still missing', () => {
        const change = reactTo(waiting(3), added(1));
        expect(change.set.holds).toEqual([expect.objectContaining({ reason: 'stock_short', missing: [{ sku: 'TSHIRT-BLK-M', missing: 2 }] })]);
        expect(change.set.status).toBeUndefined();
      });
    });

    it('when fulfillments are cancelled, then the order marks them cancelled', () => {
      const order = ready();
      const change = reactTo(order, fact('fulfillment.cancelled.v1', { orderId: ID, fulfillmentIds: ['f-1'] }, 'fulfillment'));
      expect(change.set.fulfillments).toEqual([{ id: 'f-1', locationId: 'berlin', status: 'cancelled' }]);
    });
  });

  describe('shipping and delivery', () => {
    const packedOrder = () => orderIn({ status: 'packed', fulfillments: [{ id: 'f-1', locationId: 'berlin', status: 'packed' }] });

    it('when the shipment is booked, then the order is shipped; the same booking again changes nothing', () => {
      const order = packedOrder();
      const change = reactTo(order, booked());
      expect(change.set.status).toBe('shipped');
      const again = reactTo({ ...order, status: 'shipped', shipments: change.set.shipments! }, booked());
      expect(again).toEqual({ set: {}, timeline: [], send: [] });
    });

    it('when the carrier reports the handover of a parcel, then the timeline shows who took it and the status stays', () => {
      const order = orderIn({ status: 'shipped', shipments: [{ id: 's-1', trackingNumber: 'SBX000000000001', status: 'booked' }] });
      const handedOver = fact(
        'shipment.handed-over.v1',
        {
          orderId: ID,
          shipmentId: 's-1',
          carrierId: 'kurier',
          trackingNumber: 'SBX000000000001',
          handedOverAt: '2026-01-02T09:00:00.000Z',
          actor: 'api-key:k1',
        },
        'carrier',
      );
      const change = reactTo(order, handedOver);
      expect(change.set).toEqual({});
      expect(change.send).toEqual([]);
      expect(change.timeline).toEqual([
        expect.objectContaining({ type: 'shipment_handed_over', detail: 'SBX000000000001 taken by kurier', actor: 'api-key:k1' }),
      ]);
    });

    it('when the first parcel is booked, then the authorized amount is captured, once; a payment no provider holds is not', () => {
      const order = packedOrder();
      const payments = (c: ReturnType<typeof reactTo>) => c.send.filter((m) => m.type.startsWith('payment.'));
      const change = reactTo(order, booked());
      expect(payments(change)).toEqual([{ type: 'payment.capture.v1', data: { orderId: ID, amount: 4493, currency: 'EUR' } }]);
      expect(change.timeline.map((t) => t.type)).toEqual(['shipment_booked', 'status_changed', 'payment_capture_requested']);
      const second = reactTo({ ...order, status: 'shipped', shipments: change.set.shipments! }, booked('s-2'));
      expect(payments(second)).toEqual([]);
      const invoice = orderIn({ ...packedOrder(), payment: { ...order.payment, method: 'invoice' } });
      expect(payments(reactTo(invoice, booked()))).toEqual([]);
    });

    it('when the capture is reported, then the payment is captured; a late report after a refund changes no check', () => {
      const captured = fact('payment.captured.v1', { orderId: ID, checkId: 'chk-1', amount: 4493, currency: 'EUR', providerRef: 'cap-1' }, 'payment-check');
      const change = reactTo(orderIn({ status: 'shipped' }), captured);
      expect(change.set.checks).toEqual({ stock: 'reserved', payment: 'captured' });
      expect(change.set.paymentAmounts).toEqual({ authorized: 0, captured: 4493, refunded: 0 });
      expect(change.timeline[0]).toMatchObject({ type: 'payment_captured', detail: '44.93 EUR captured (cap-1)' });
      expect(reactTo(orderIn({ status: 'returned', checks: { stock: 'consumed', payment: 'refunded' } }), captured).set.checks).toBeUndefined();
    });

    it('when a scan arrives before the booking’s event, then the parcel is recorded from the scan and the order moves on; the late booking changes nothing', () => {
      const order = packedOrder();
      const change = reactTo(order, scan('in_transit'));
      expect(change.set.status).toBe('in_transit');
      expect(change.set.shipments).toEqual([{ id: 's-1', trackingNumber: 'SBX000000000001', status: 'in_transit' }]);
      const late = reactTo({ ...order, status: 'in_transit', shipments: change.set.shipments! }, booked());
      expect(late.set.shipments).toEqual([{ id: 's-1', trackingNumber: 'SBX000000000001', status: 'in_transit', carrierId: 'sandbox' }]);
      expect(late.set.status).toBeUndefined();
    });

    it('when the parcel is delivered, then the order is delivered and the returns service hears of it with the prices', () => {
      const order = orderIn({ status: 'in_transit', shipments: [{ id: 's-1', trackingNumber: 'SBX000000000001', status: 'in_transit' }] });
      const change = reactTo(order, scan('delivered'));
      expect(change.set.status).toBe('delivered');
      expect(change.send).toContainEqual({
        type: 'order.delivered.v1',
        data: expect.objectContaining({ orderId: ID, lines: [{ sku: 'TSHIRT-BLK-M', quantity: 2, unitPrice: 1999 }] }),
      });
    });

    it('when a discounted order with tax on top is delivered, then returns hear what was paid per unit, rounded down', () => {
      const order = orderIn({
        status: 'in_transit',
        shipments: [{ id: 's-1', trackingNumber: 'SBX000000000001', status: 'in_transit' }],
        lines: [{ sku: 'SOCKS-GRY', quantity: 3, unitPrice: 999, taxes: [{ title: 'VAT', rate: 0.19 }] }],
        discounts: [{ percentage: 10 }],
      });
      const delivered = reactTo(order, scan('delivered')).send.find((m) => m.type === 'order.delivered.v1');
      // 2,997 − 300 = 2,697, + 19 % (512) = 3,209 for 3 units: 1,069 each
      expect(delivered?.data).toMatchObject({ lines: [{ sku: 'SOCKS-GRY', quantity: 3, unitPrice: 1069 }], shippingPaid: 495 });
    });

    it('when a delivered scan is repeated, then nothing is sent twice', () => {
      const order = orderIn({ status: 'delivered', shipments: [{ id: 's-1', trackingNumber: 'SBX000000000001', status: 'delivered' }] });
      expect(reactTo(order, scan('delivered')).send).toEqual([]);
    });

    it('when a split order is delivered parcel by parcel, then it is partially delivered until the last parcel of every fulfillment arrives', () => {
      const parcelOf = (id: string, fulfillmentId: string, parcels: number, status = 'in_transit') => ({
        id,
        fulfillmentId,
        parcels,
        trackingNumber: `T-${id}`,
        status,
      });
      const order = orderIn({
        status: 'in_transit',
        fulfillments: [
          { id: 'f-1', locationId: 'berlin', status: 'handed_over' },
          { id: 'f-2', locationId: 'hamburg', status: 'packed' },
        ],
        // f-1 went in two parcels; f-2's single parcel is booked; f-1's second parcel is not booked yet.
        shipments: [parcelOf('s-1', 'f-1', 2), parcelOf('s-3', 'f-2', 1)],
      });
      const delivered = (shipmentId: string) =>
        fact(
          'shipment.tracking-updated.v1',
          {
            orderId: ID,
            shipmentId,
            trackingNumber: `T-${shipmentId}`,
            status: 'delivered',
            occurredAt: '2026-01-03T10:00:00.000Z',
            shipmentStatus: 'delivered',
          },
          'carrier',
        );
      const first = reactTo(order, delivered('s-1'));
      expect(first.set.status).toBe('partially_delivered');
      expect(sentTypes(first)).toEqual(['order.status-changed.v1']);
      const withSecond = { ...order, status: 'partially_delivered' as const, shipments: [...first.set.shipments!, parcelOf('s-2', 'f-1', 2)] };
      const second = reactTo(withSecond, delivered('s-3'));
      expect(second.set.status).toBeUndefined();
      const last = reactTo({ ...withSecond, shipments: second.set.shipments! }, delivered('s-2'));
      expect(last.set.status).toBe('delivered');
      expect(sentTypes(last)).toContain('order.delivered.v1');
    });

    it('when a label is voided, then the order marks that shipment cancelled and counts only its replacement for delivery', () => {
      const order = orderIn({
        status: 'shipped',
        fulfillments: [{ id: 'f-1', locationId: 'berlin', status: 'packed' }],
        shipments: [{ id: 's-1', fulfillmentId: 'f-1', parcels: 1, carrierId: 'kurier', trackingNumber: 'KU1', status: 'booked' }],
      });
      const change = reactTo(
        order,
        fact(
          'shipment.cancelled.v1',
          { orderId: ID, shipmentId: 's-1', carrierId: 'kurier', trackingNumber: 'KU1', reason: 'label damaged', replacedBy: 's-2', actor: 'ops' },
          'carrier',
        ),
      );
      expect(change.set.shipments).toEqual([expect.objectContaining({ id: 's-1', status: 'cancelled' })]);
      expect(change.timeline[0]).toMatchObject({ type: 'shipment_cancelled', detail: 'kurier tracking KU1 voided: label damaged' });
      const withReplacement = [
        ...change.set.shipments!,
        { id: 's-2', fulfillmentId: 'f-1', parcels: 1, carrierId: 'paketdienst', trackingNumber: 'PD1', status: 'delivered' },
      ];
      expect(everyParcelDelivered(order, withReplacement)).toBe(true);
    });

    it('when a split order’s second parcel is scanned before its booking arrives, then the order records it from the scan and the booking fills it in', () => {
      const order = orderIn({
        status: 'shipped',
        fulfillments: [
          { id: 'f-1', locationId: 'berlin', status: 'handed_over' },
          { id: 'f-2', locationId: 'hamburg', status: 'packed' },
        ],
        shipments: [{ id: 's-1', fulfillmentId: 'f-1', parcels: 1, carrierId: 'kurier', trackingNumber: 'KU1', status: 'booked' }],
      });
      const scan = fact(
        'shipment.tracking-updated.v1',
        { orderId: ID, shipmentId: 's-2', trackingNumber: 'PD2', status: 'in_transit', occurredAt: '2026-01-02T08:00:00.000Z', shipmentStatus: 'in_transit' },
        'carrier',
      );
      const scanned = reactTo(order, scan);
      expect(scanned.set.shipments).toEqual([order.shipments[0], { id: 's-2', trackingNumber: 'PD2', status: 'in_transit' }]);
      expect(scanned.set.status).toBe('in_transit');
      const booking = fact(
        'shipment.booked.v1',
        { orderId: ID, shipmentId: 's-2', fulfillmentId: 'f-2', carrierId: 'paketdienst', trackingNumber: 'PD2', parcel: 1, parcels: 1 },
        'carrier',
      );
      const booked = reactTo({ ...order, status: 'in_transit', shipments: scanned.set.shipments! }, booking);
      expect(booked.set.shipments![1]).toEqual({
        id: 's-2',
        trackingNumber: 'PD2',
        status: 'in_transit',
        carrierId: 'paketdienst',
        fulfillmentId: 'f-2',
        parcels: 1,
      });
    });

    it('when a late in_transit scan arrives after delivered, then the parcel and the order stay delivered', () => {
      const order = orderIn({ status: 'delivered', shipments: [{ id: 's-1', trackingNumber: 'SBX000000000001', status: 'delivered' }] });
      const late = fact(
        'shipment.tracking-updated.v1',
        {
          orderId: ID,
          shipmentId: 's-1',
          trackingNumber: 'SBX000000000001',
          status: 'in_transit',
          occurredAt: '2026-01-01T10:00:00.000Z',
          shipmentStatus: 'delivered',
        },
        'carrier',
      );
      const change = reactTo(order, late);
      expect(change.set.status).toBeUndefined();
      expect(change.set.shipments).toEqual([{ id: 's-1', trackingNumber: 'SBX000000000001', status: 'delivered' }]);
      expect(change.timeline.map((t) => t.type)).toEqual(['tracking_in_transit']);
    });

    it('when a booking carries rate shopping’s choice, then the timeline names it, the parcel and what else was considered', () => {
      const change = reactTo(
        packedOrder(),
        fact(
          'shipment.booked.v1',
          {
            orderId: ID,
            shipmentId: 's-1',
            carrierId: 'kurier',
            trackingNumber: 'KU000000000001',
            fulfillmentId: 'f-1',
            parcel: 1,
            parcels: 2,
            rate: {
              carrierId: 'kurier',
              serviceId: 'classic',
              level: 'standard',
              price: 476,
              currency: 'EUR',
              transitDays: 1,
              alternatives: ['paketdienst/paket 5.19 EUR, 2 d'],
            },
          },
          'carrier',
        ),
      );
      expect(change.timeline[0].detail).toBe(
        'kurier/classic 4.76 EUR, 1 d, tracking KU000000000001 (parcel 1 of 2); considered: paketdienst/paket 5.19 EUR, 2 d',
      );
      expect(change.set.shipments).toEqual([
        { id: 's-1', trackingNumber: 'KU000000000001', status: 'booked', carrierId: 'kurier', fulfillmentId: 'f-1', parcels: 2 },
      ]);
    });

    it('when the parcel comes back to the sender, then the order is returned and returns hears of the parcel’s lines at the prices paid, once', () => {
      const order = orderIn({ status: 'in_transit', shipments: [{ id: 's-1', trackingNumber: 'SBX000000000001', status: 'in_transit' }] });
      const change = reactTo(order, scan('returned_to_sender'));
      expect(change.set.status).toBe('returned');
      expect(change.send).toContainEqual({
        type: 'order.returned-to-sender.v1',
        data: expect.objectContaining({
          orderId: ID,
          shipmentId: 's-1',
          lines: [{ sku: 'TSHIRT-BLK-M', quantity: 2, unitPrice: 1999 }],
          // The whole order too, for returns to remember (a split order's delivered parcels stay returnable).
          orderLines: [{ sku: 'TSHIRT-BLK-M', quantity: 2, unitPrice: 1999 }],
        }),
      });
      const again = reactTo({ ...order, status: 'returned', shipments: change.set.shipments! }, scan('returned_to_sender'));
      expect(sentTypes(again)).not.toContain('order.returned-to-sender.v1');
    });

    it.each(CLOSED)('when a booking or a scan arrives for an order that is %s, then it is recorded but the order never ships', (status) => {
      const order = orderIn({ status });
      expect(statusOf(order, reactTo(order, booked()))).toBe(status);
      const scanned = reactTo(order, scan('delivered'));
      expect(statusOf(order, scanned)).toBe(status);
      expect(scanned.send).toEqual([]);
    });
  });

  describe('click & collect', () => {
    const pickupOrder = (overrides: Partial<OrderState> = {}) =>
      orderIn({
        status: 'ready_to_fulfill',
        checks: { stock: 'reserved', payment: 'approved' },
        fulfillments: [{ id: 'f-1', locationId: 'store-1', status: 'picking' }],
        ...overrides,
      });
    const pickupFact = <T extends 'fulfillment.ready-for-pickup.v1' | 'fulfillment.collected.v1' | 'fulfillment.pickup-expired.v1'>(
      type: T,
      extra: object = {},
    ) => fact(type, { orderId: ID, fulfillmentId: 'f-1', locationId: 'store-1', actor: 'store-staff', ...extra } as never, 'fulfillment');

    it('when the goods are ready at the store, then the order waits for pickup, and the code stays out of the timeline', () => {
      const change = reactTo(pickupOrder(), pickupFact('fulfillment.ready-for-pickup.v1', { pickupCode: '123456', readyAt: '2026-12-06T10:00:00.000Z' }));
      expect(change.set.status).toBe('ready_for_pickup');
      expect(change.set.fulfillments).toEqual([{ id: 'f-1', locationId: 'store-1', status: 'ready_for_pickup' }]);
      expect(JSON.stringify(change.timeline)).not.toContain('123456');
    });

    it('when the customer collects, then the order is delivered, the money taken and the goods leave the stock', () => {
      const change = reactTo(pickupOrder({ status: 'ready_for_pickup' }), pickupFact('fulfillment.collected.v1'));
      expect(change.set.status).toBe('delivered');
      expect(sentTypes(change)).toEqual([
        'order.status-changed.v1',
        'notification.delivered.v1',
        'payment.capture.v1',
        'stock.consume.v1',
        'order.delivered.v1',
      ]);
    });

    it('when a pickup is not collected in time, then the order is cancelled: stock released, authorization voided, the store’s work cancelled', () => {
      const change = reactTo(
        pickupOrder({ status: 'ready_for_pickup' }),
        pickupFact('fulfillment.pickup-expired.v1', { readyAt: '2026-12-01T10:00:00.000Z', days: 7 }),
      );
      expect(change.set.status).toBe('cancelled');
      expect(sentTypes(change)).toEqual(['order.status-changed.v1', 'stock.release.v1', 'payment.void.v1', 'fulfillment.cancel.v1']);
      expect(change.timeline[0]).toMatchObject({ type: 'pickup_expired', detail: 'not collected at store-1 within 7 days' });
    });
  });

  describe('returns and refunds', () => {
    const delivered = () => orderIn({ status: 'delivered' });
    const received = () =>
      fact(
        'return.received.v1',
        {
          orderId: ID,
          returnId: 'r-1',
          locationId: 'berlin',
          lines: [{ sku: 'TSHIRT-BLK-M', quantity: 1, condition: 'resellable' }],
          refundAmount: 1999,
          currency: 'EUR',
        },
        'returns',
      );

    it('when a return is received, then the order is returned, the goods restocked and the refund asked for under the payment key', () => {
      const order = delivered();
      const change = reactTo(order, received());
      expect(change.set.status).toBe('returned');
      expect(sent(change)).toEqual([
        ['order.status-changed.v1', ID],
        ['stock.restock.v1', ID],
        ['payment.refund.v1', ID],
      ]);
    });

    it('when a parcel returned to sender is received to be shipped again, then nothing is refunded and a replacement at no charge is placed, once per return', () => {
      const order = orderIn({ status: 'returned', returns: [{ id: 'r-1', status: 'requested' }] });
      const rts = fact('return.received.v1', { ...received().data, refundAmount: 0, reship: true }, 'returns');
      const change = reactTo(order, rts);
      expect(sentTypes(change)).toEqual(['stock.restock.v1', 'order.received.v1']);
      const placed = change.send.find((m) => m.type === 'order.received.v1')!.data as MessageData<'order.received.v1'>;
      expect(placed.orderId).toBe(orderIdOf(order.channel, `${order.externalId}-reship-r-1`));
      expect(placed.order).toMatchObject({
        channel: order.channel,
        shippingAddress: order.shippingAddress,
        lines: [{ sku: 'TSHIRT-BLK-M', quantity: 1, unitPrice: 0 }],
        shipping: { method: order.shipping.method, price: 0 },
        payment: { method: 'replacement', amount: 0 },
        source: { replacementFor: ID, returnId: 'r-1' },
      });
      expect(canonicalOrderSchema.safeParse(placed.order).success).toBe(true);
      expect(change.timeline.map((t) => t.type)).toEqual(['return_received', 'reshipped']);
      expect(change.set.returns).toEqual([{ id: 'r-1', status: 'received' }]);
      // Reported again: nothing placed twice.
      expect(reactTo({ ...order, returns: change.set.returns! }, rts).send).toEqual([]);
    });

    it('when the same return is reported received again, then nothing is restocked or refunded twice', () => {
      const order = orderIn({ status: 'returned', returns: [{ id: 'r-1', status: 'received' }] });
      expect(reactTo(order, received())).toEqual({ set: {}, timeline: [], send: [] });
    });

    it('when the refund is made, then the return shows it and the payment check says refunded', () => {
      const order = orderIn({ status: 'returned', returns: [{ id: 'r-1', status: 'received' }] });
      const change = reactTo(
        order,
        fact('payment.refunded.v1', { orderId: ID, returnId: 'r-1', amount: 1999, currency: 'EUR', providerRef: 'rf-1' }, 'payment-check'),
      );
      expect(change.set.returns).toEqual([{ id: 'r-1', status: 'refunded' }]);
      expect(change.set.checks?.payment).toBe('refunded');
      expect(change.timeline[0].detail).toBe('refund of 19.99 EUR for return r-1 (rf-1)');
    });

    it('when payments are approved, captured and refunded, then the order keeps the amounts: a card is authorized, a marketplace payment taken, refunds add up', () => {
      const card = reactTo(orderIn({ checks: { stock: 'pending', payment: 'pending' } }), approved());
      expect(card.set.paymentAmounts).toEqual({ authorized: 4493, captured: 0, refunded: 0 });
      const market = orderIn({ checks: { stock: 'pending', payment: 'pending' }, payment: { ...orderIn().payment, method: 'marketplace' } });
      expect(reactTo(market, approved()).set.paymentAmounts).toEqual({ authorized: 0, captured: 4493, refunded: 0 });
      const invoice = orderIn({ checks: { stock: 'pending', payment: 'pending' }, payment: { ...orderIn().payment, method: 'invoice' } });
      expect(reactTo(invoice, approved()).set.paymentAmounts).toBeUndefined();
      const refundedOnce = orderIn({
        status: 'returned',
        returns: [{ id: 'r-2', status: 'received' }],
        paymentAmounts: { authorized: 4493, captured: 4493, refunded: 1999 },
      });
      const second = reactTo(
        refundedOnce,
        fact('payment.refunded.v1', { orderId: ID, returnId: 'r-2', amount: 1000, currency: 'EUR', providerRef: 'rf-2' }, 'payment-check'),
      );
      expect(second.set.paymentAmounts).toEqual({ authorized: 4493, captured: 4493, refunded: 2999 });
    });

    it('when a return is opened, then the order lists it as requested', () => {
      const change = reactTo(
        delivered(),
        fact('return.opened.v1', { orderId: ID, returnId: 'r-1', lines: [{ sku: 'TSHIRT-BLK-M', quantity: 1, reason: 'too small' }] }, 'returns'),
      );
      expect(change.set.returns).toEqual([{ id: 'r-1', status: 'requested' }]);
    });

    it('when returned goods are restocked, then the timeline says what went back to stock and what was written off', () => {
      const change = reactTo(
        delivered(),
        fact('stock.restocked.v1', { orderId: ID, returnId: 'r-1', restocked: [{ ...line, quantity: 1 }], writtenOff: [] }, 'inventory'),
      );
      expect(change.timeline[0].detail).toBe('restocked 1 × TSHIRT-BLK-M; written off nothing');
    });
  });

  describe('refusals of commands the order sent without waiting', () => {
    const refused = (command: string, returnId?: string, orderId = ID) =>
      fact(
        'command.refused.v1',
        {
          orderId,
          command,
          commandId: 'cmd-1',
          ...(returnId ? { returnId } : {}),
          status: 422,
          title: 'Unprocessable Content',
          detail: command === 'payment.refund.v1' ? 'the payment provider refused the refund (402): refund_declined' : 'location nowhere does not exist',
        },
        command === 'payment.refund.v1' ? 'payment-check' : 'inventory',
      );

    it('when a refund is refused, then the timeline says which command failed and why, and the return shows the refund failed', () => {
      const order = orderIn({
        status: 'returned',
        returns: [
          { id: 'r-1', status: 'received' },
          { id: 'r-2', status: 'refunded' },
        ],
      });
      const change = reactTo(order, refused('payment.refund.v1', 'r-1', `${ID}~2`));
      expect(change.timeline).toEqual([
        {
          at: '2026-01-01T11:00:00.000Z',
          type: 'command_refused',
          service: 'payment-check',
          detail: 'payment.refund.v1 refused (return r-1): 422 the payment provider refused the refund (402): refund_declined',
        },
      ]);
      expect(change.set).toEqual({
        returns: [
          { id: 'r-1', status: 'refund_failed' },
          { id: 'r-2', status: 'refunded' },
        ],
      });
      expect(change.send).toEqual([]);
    });

    it('when a restock is refused, then the timeline says so and the order and its returns stay as they are', () => {
      const order = orderIn({ status: 'returned', returns: [{ id: 'r-1', status: 'received' }] });
      const change = reactTo(order, refused('stock.restock.v1', 'r-1'));
      expect(change.timeline.map((t) => [t.type, t.detail])).toEqual([
        ['command_refused', 'stock.restock.v1 refused (return r-1): 422 location nowhere does not exist'],
      ]);
      expect(change.set).toEqual({});
    });

    it('when a refusal of a refund comes after the refund was made after all, then the return stays refunded', () => {
      const order = orderIn({ status: 'returned', returns: [{ id: 'r-1', status: 'refunded' }] });
      expect(reactTo(order, refused('payment.refund.v1', 'r-1')).set).toEqual({});
    });
  });

  describe('stock and payment bookkeeping', () => {
    it.each([
      ['stock.released.v1', { stock: 'released' }],
      ['stock.consumed.v1', { stock: 'consumed' }],
      ['payment.voided.v1', { payment: 'voided' }],
    ] as const)('when %s is reported, then only the check result changes', (type, checks) => {
      const order = orderIn({ status: 'cancelled' });
      const data = type === 'stock.consumed.v1' ? { orderId: ID, lines: [line] } : { orderId: ID };
      const change = reactTo(order, fact(type, data as never, 'inventory'));
      expect(change.set).toEqual({ checks: { ...order.checks, ...checks } });
      expect(change.send).toEqual([]);
    });

    it('when stock is backordered, then the order waits on hold, served first in, first out', () => {
      const order = orderIn({
        status: 'on_hold',
        checks: { stock: 'short', payment: 'approved' },
        holds: [{ reason: 'stock_short', detail: 'short', at: '2026-01-01T10:00:00.000Z' }],
      });
      const change = reactTo(order, fact('stock.backordered.v1', { orderId: ID, lines: [{ sku: 'TSHIRT-BLK-M', requested: 2, available: 0 }] }, 'inventory'));
      expect(change.set.checks?.stock).toBe('backordered');
      expect(change.set.holds).toHaveLength(1);
      expect(change.set.holds![0].detail).toMatch(/^backordered, waiting for stock/);
    });
  });
});
