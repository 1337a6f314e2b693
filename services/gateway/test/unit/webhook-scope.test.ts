import { publicEvent, tenantOf, WEBHOOK_EVENT_TYPES } from '../../src/domain/webhooks/event-types';
import { decideScope, mayManage, scopeReceives } from '../../src/domain/webhooks/scope';

const channelKey = { actor: 'api-key:c', roles: ['channel:webshop'] };
const partnerKey = { actor: 'api-key:p', roles: ['partner:dhl'] };
const twoChannels = { actor: 'api-key:cc', roles: ['channel:a', 'channel:b'] };
const ops = { actor: 'api-key:ops', roles: ['ops'] };
const locationKey = { actor: 'api-key:l', roles: ['location:berlin'] };

describe('whose events a webhook subscription receives', () => {
  it('when the public event types are listed, then they are the order’s changes, the customer notifications, the shipment events, stock alerts and rule triggers', () => {
    expect([...WEBHOOK_EVENT_TYPES].sort()).toEqual([
      'notification.delivered.v1',
      'notification.order-confirmed.v1',
      'notification.ready-for-pickup.v1',
      'notification.refund-issued.v1',
      'notification.shipped.v1',
      'order.accepted.v1',
      'order.status-changed.v1',
      'rule.triggered.v1',
      'shipment.booked.v1',
      'shipment.cancelled.v1',
      'shipment.handed-over.v1',
      'shipment.tracking-updated.v1',
      'stock.low.v1',
    ]);
  });

  it('when a stock alert is asked for, then only ops may (a channel key is told which events it may ask for), and only `all` subscriptions get it', () => {
    expect(decideScope(channelKey, undefined, ['stock.low.v1'])).toMatchObject({ ok: false, status: 422 });
    expect(decideScope(ops, undefined, ['stock.low.v1'])).toEqual({ ok: true, scope: 'all' });
    expect(tenantOf('stock.low.v1', { sku: 'A', locationId: 'berlin' })).toBeUndefined();
    expect(tenantOf('order.status-changed.v1', { orderId: 'o', channel: 'webshop', from: 'a', to: 'b' })).toBe('channel:webshop');
  });

  it('when a channel or partner key subscribes, then the scope is its own role; ops default to all', () => {
    expect(decideScope(channelKey, undefined, ['notification.shipped.v1'])).toEqual({ ok: true, scope: 'channel:webshop' });
    expect(decideScope(partnerKey, undefined, ['shipment.booked.v1'])).toEqual({ ok: true, scope: 'partner:dhl' });
    expect(decideScope(ops, undefined, ['shipment.booked.v1', 'notification.delivered.v1'])).toEqual({ ok: true, scope: 'all' });
    expect(decideScope(ops, 'channel:x', ['notification.delivered.v1'])).toEqual({ ok: true, scope: 'channel:x' });
    expect(decideScope(twoChannels, 'channel:b', ['notification.delivered.v1'])).toEqual({ ok: true, scope: 'channel:b' });
  });

  it('when a key asks for a scope it does not hold, has none, or several without saying which, then it is refused', () => {
    expect(decideScope(channelKey, 'channel:other', ['notification.delivered.v1'])).toMatchObject({ ok: false, status: 403 });
    expect(decideScope(locationKey, undefined, ['notification.delivered.v1'])).toMatchObject({ ok: false, status: 403 });
    expect(decideScope(twoChannels, undefined, ['notification.delivered.v1'])).toMatchObject({ ok: false, status: 422, errors: [{ path: 'scope' }] });
  });

  it('when a channel asks for shipment events or a partner for notifications, then 422 names each such event type', () => {
    expect(decideScope(channelKey, undefined, ['notification.shipped.v1', 'shipment.booked.v1'])).toMatchObject({
      ok: false,
      status: 422,
      errors: [{ path: 'eventTypes.1', message: expect.stringContaining('not an event of a channel') }],
    });
    expect(decideScope(partnerKey, undefined, ['notification.delivered.v1'])).toMatchObject({ ok: false, errors: [{ path: 'eventTypes.0' }] });
  });

  it('when an event is matched, then a channel’s notification goes to that channel’s scope, a shipment event to its carrier’s', () => {
    const notified = tenantOf('notification.delivered.v1', { orderId: 'o', channel: 'webshop', externalId: 'W-1' });
    expect(notified).toBe('channel:webshop');
    expect(scopeReceives('channel:webshop', notified)).toBe(true);
    expect(scopeReceives('channel:other', notified)).toBe(false);
    expect(scopeReceives('all', notified)).toBe(true);
    expect(tenantOf('shipment.booked.v1', { carrierId: 'sandbox' })).toBe('partner:sandbox');
    // A scan from before events named their carrier: ops' subscriptions only.
    expect(scopeReceives('partner:sandbox', tenantOf('shipment.tracking-updated.v1', { shipmentId: 's' }))).toBe(false);
  });

  it('when a key looks at a subscription, then it may if it holds the scope (ops always)', () => {
    expect(mayManage(channelKey, 'channel:webshop')).toBe(true);
    expect(mayManage(channelKey, 'channel:other')).toBe(false);
    expect(mayManage(channelKey, 'all')).toBe(false);
    expect(mayManage(ops, 'partner:dhl')).toBe(true);
  });

  it('when a booking is delivered to its carrier, then rate shopping’s alternatives (other carriers’ prices) are left out of the body', () => {
    const body = publicEvent({
      id: 'e-1',
      type: 'shipment.booked.v1',
      occurredAt: '2026-01-01T10:00:00.000Z',
      data: {
        orderId: 'o',
        shipmentId: 's',
        carrierId: 'dhl',
        trackingNumber: 'T',
        rate: { carrierId: 'dhl', serviceId: 'std', level: 'standard', price: 495, currency: 'EUR', transitDays: 2, alternatives: ['dpd/std 5.10 EUR'] },
      },
    });
    expect(body).toEqual({
      id: 'e-1',
      type: 'shipment.booked.v1',
      occurredAt: '2026-01-01T10:00:00.000Z',
      data: {
        orderId: 'o',
        shipmentId: 's',
        carrierId: 'dhl',
        trackingNumber: 'T',
        rate: { carrierId: 'dhl', serviceId: 'std', level: 'standard', price: 495, currency: 'EUR', transitDays: 2 },
      },
    });
  });
});
