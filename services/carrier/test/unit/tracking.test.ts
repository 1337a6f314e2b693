import { currentStatus, isSameUpdate, recordScan, type TrackingEntry } from '../../src/domain/tracking';

describe('tracking (domain)', () => {
  const at = (iso: string) => new Date(iso);

  it('when there are no scans, then the shipment is booked', () => {
    expect(currentStatus([])).toBe('booked');
  });

  it('when scans arrive out of order, then the status is that of the latest by occurrence', () => {
    expect(
      currentStatus([
        { status: 'delivered', occurredAt: at('2025-01-03T10:00:00Z') },
        { status: 'in_transit', occurredAt: at('2025-01-01T10:00:00Z') },
        { status: 'out_for_delivery', occurredAt: at('2025-01-03T08:00:00Z') },
      ]),
    ).toBe('delivered');
  });

  it('when the same status is re-sent for the same instant in another notation, then it is the same update', () => {
    expect(
      isSameUpdate({ status: 'in_transit', occurredAt: at('2025-01-01T10:00:00Z') }, { status: 'in_transit', occurredAt: at('2025-01-01T11:00:00+01:00') }),
    ).toBe(true);
    expect(
      isSameUpdate({ status: 'in_transit', occurredAt: at('2025-01-01T10:00:00Z') }, { status: 'exception', occurredAt: at('2025-01-01T10:00:00Z') }),
    ).toBe(false);
  });

  describe('recording a scan', () => {
    const receivedAt = at('2025-01-05T00:00:00Z');
    const delivered: TrackingEntry = { status: 'delivered', occurredAt: at('2025-01-03T10:00:00Z'), receivedAt };

    it('when the scan is new, then it is added with its location and the status follows the latest scan', () => {
      expect(recordScan([], { status: 'in_transit', occurredAt: at('2025-01-01T10:00:00Z'), location: 'Hub' }, receivedAt)).toEqual({
        entry: { status: 'in_transit', occurredAt: at('2025-01-01T10:00:00Z'), location: 'Hub', receivedAt },
        status: 'in_transit',
      });
    });

    it('when a late scan arrives after delivery, then it is recorded but the shipment stays delivered', () => {
      expect(recordScan([delivered], { status: 'in_transit', occurredAt: at('2025-01-02T10:00:00Z') }, receivedAt)).toMatchObject({ status: 'delivered' });
    });

    it('when the shipment has the scan already, then nothing is recorded', () => {
      expect(recordScan([delivered], { status: 'delivered', occurredAt: at('2025-01-03T11:00:00+01:00') }, receivedAt)).toBeNull();
    });
  });
});
