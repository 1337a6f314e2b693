import { PARTNER_HEADER, partnerPermissions, partnerQueueName } from '@oms/contracts';
import { partnerHeaders } from '../../src/partner-headers';

describe('partnerHeaders', () => {
  it('when an event names a carrier, then it carries the oms-partner header with that carrier', () => {
    expect(partnerHeaders({ type: 'shipment.booked.v1', data: { orderId: 'o-1', carrierId: 'kurier' } })).toEqual({ [PARTNER_HEADER]: 'kurier' });
    expect(partnerHeaders({ type: 'shipment.tracking-updated.v1', data: { carrierId: 'paketdienst' } })).toEqual({ 'oms-partner': 'paketdienst' });
  });

  it('when an event names no carrier (or not as a string), then it gets no header', () => {
    expect(partnerHeaders({ type: 'order.received.v1', data: { orderId: 'o-1' } })).toEqual({});
    expect(partnerHeaders({ type: 'shipment.tracking-updated.v1', data: { carrierId: 42 } })).toEqual({});
    expect(partnerHeaders({ type: 'shipment.tracking-updated.v1', data: { carrierId: '' } })).toEqual({});
    expect(partnerHeaders({ type: 'shipment.tracking-updated.v1', data: null })).toEqual({});
  });

  it('when a command names a carrier, then it gets no header: commands never go to partners', () => {
    expect(partnerHeaders({ type: 'carrier.configure.v1', data: { carrierId: 'kurier' } })).toEqual({});
  });
});

describe('partnerPermissions', () => {
  it('when a partner id holds regex characters, then its read pattern matches its own queue name only', () => {
    const { configure, write, read } = partnerPermissions('dhl.de');
    expect([configure, write]).toEqual(['^$', '^$']);
    const pattern = new RegExp(read);
    expect(pattern.test(partnerQueueName('dhl.de'))).toBe(true);
    expect(pattern.test('partner.dhlxde')).toBe(false);
    expect(pattern.test('partner.dhl.de.x')).toBe(false);
    expect(pattern.test('xpartner.dhl.de')).toBe(false);
  });
});
