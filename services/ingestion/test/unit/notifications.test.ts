import { reactTo } from '../../src/domain/reactions';
import { fact, ID, orderIn } from './order-fixtures';

/** Customer notifications: which moments of the order's life a channel hears of, with what, and how often. */

const about = { orderId: ID, channel: 'webshop', externalId: 'WS-1001' };
const notifications = (change: ReturnType<typeof reactTo>) => change.send.filter((m) => m.type.startsWith('notification.'));
const booked = (extra: Record<string, unknown> = {}) =>
  fact('shipment.booked.v1', { orderId: ID, shipmentId: 's-1', carrierId: 'dhl', trackingNumber: 'DHL0001', parcel: 1, parcels: 1, ...extra }, 'carrier');
const delivered = fact(
  'shipment.tracking-updated.v1',
  { orderId: ID, shipmentId: 's-1', trackingNumber: 'DHL0001', status: 'delivered', occurredAt: '2026-01-02T10:00:00.000Z' },
  'carrier',
);

describe('customer notifications', () => {
  const order = (overrides: Parameters<typeof orderIn>[0] = {}) => orderIn({ channel: 'webshop', externalId: 'WS-1001', ...overrides });

  it('when the order passes its checks, then the channel is told it is confirmed, with its own order id', () => {
    const change = reactTo(
      order({ checks: { stock: 'reserved', payment: 'pending' } }),
      fact('payment.approved.v1', { orderId: ID, checkId: 'c', amount: 4493, currency: 'EUR', providerRef: 'a' }, 'payment-check'),
    );
    expect(notifications(change)).toEqual([{ type: 'notification.order-confirmed.v1', data: about }]);
  });

  it('when an order confirmed before is released from a later hold, then it is not confirmed a second time', () => {
    const before = [{ at: '2026-01-01T10:00:01.000Z', type: 'status_changed', service: 'ingestion', status: 'ready_to_fulfill' as const }];
    const held = order({ status: 'on_hold', checks: { stock: 'reserved', payment: 'pending' }, timeline: before });
    const change = reactTo(
      { ...held, status: 'pending' },
      fact('payment.approved.v1', { orderId: ID, checkId: 'c', amount: 4493, currency: 'EUR', providerRef: 'a' }, 'payment-check'),
    );
    expect(change.set.status).toBe('ready_to_fulfill');
    expect(notifications(change)).toEqual([]);
  });

  it('when a parcel is booked, then the channel is told its carrier, tracking number and tracking link', () => {
    const packed = order({ status: 'packed', fulfillments: [{ id: 'f-1', locationId: 'berlin', status: 'packed' }] });
    const change = reactTo(packed, booked({ trackingUrl: 'https://track.example/?id=DHL0001' }));
    expect(notifications(change)).toEqual([
      {
        type: 'notification.shipped.v1',
        data: {
          ...about,
          shipmentId: 's-1',
          carrierId: 'dhl',
          trackingNumber: 'DHL0001',
          trackingUrl: 'https://track.example/?id=DHL0001',
          parcel: 1,
          parcels: 1,
        },
      },
    ]);
    const again = reactTo({ ...packed, status: 'shipped', shipments: change.set.shipments! }, booked());
    expect(notifications(again)).toEqual([]);
  });

  it('when a scan recorded the parcel before its booking, then the late booking still tells the channel the carrier, once', () => {
    const scanned = order({ status: 'in_transit', shipments: [{ id: 's-1', trackingNumber: 'DHL0001', status: 'in_transit' }] });
    expect(notifications(reactTo(scanned, booked())).map((m) => m.type)).toEqual(['notification.shipped.v1']);
    const withCarrier = order({ status: 'in_transit', shipments: [{ id: 's-1', trackingNumber: 'DHL0001', status: 'in_transit', carrierId: 'dhl' }] });
    expect(notifications(reactTo(withCarrier, booked()))).toEqual([]);
  });

  it('when every parcel is delivered, then the channel is told the order is delivered', () => {
    const change = reactTo(order({ status: 'in_transit', shipments: [{ id: 's-1', trackingNumber: 'DHL0001', status: 'in_transit' }] }), delivered);
    expect(notifications(change)).toEqual([{ type: 'notification.delivered.v1', data: about }]);
  });

  it('when a refund is made, then the channel is told the amount and the return', () => {
    const returned = order({ status: 'returned', returns: [{ id: 'r-1', status: 'received' }] });
    const change = reactTo(
      returned,
      fact('payment.refunded.v1', { orderId: ID, returnId: 'r-1', amount: 1999, currency: 'EUR', providerRef: 'rf-1' }, 'payment-check'),
    );
    expect(notifications(change)).toEqual([{ type: 'notification.refund-issued.v1', data: { ...about, returnId: 'r-1', amount: 1999, currency: 'EUR' } }]);
  });
});
