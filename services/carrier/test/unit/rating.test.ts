import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { carrierSettingsSchema, identifier } from '@oms/contracts';
import { promiseOf } from '../../src/application/book-shipment';
import { DEFAULT_PROMISE_DAYS } from '../../src/config';
import { tableTrackingNumber } from '../../src/data-access/carrier-adapters';
import { rateCarrier, shopRates, zoneOf, type RatedCarrier } from '../../src/domain/rating';

/** The dev stack's two carriers (DHL-like and DPD-like tariffs): the file must parse as the API would take it. */
const devCarriers: RatedCarrier[] = z
  .array(carrierSettingsSchema.extend({ id: identifier }))
  .parse(JSON.parse(readFileSync(path.join(__dirname, '../../../../deploy/carriers/dev-carriers.json'), 'utf8')))
  .map((c) => ({ id: c.id, tariff: c.tariff! }));
const [paketdienst, kurier] = devCarriers;
const berlin = { country: 'DE', postalCode: '10115' };
const sylt = { country: 'DE', postalCode: '25980' };
const standard = promiseOf('standard', DEFAULT_PROMISE_DAYS);
const express = promiseOf('express', DEFAULT_PROMISE_DAYS);

describe('carrier rating (domain)', () => {
  it('when an address is rated, then the first matching zone is its zone: islands by postal code before the country', () => {
    expect(zoneOf(paketdienst.tariff, berlin)).toBe('DE');
    expect(zoneOf(paketdienst.tariff, sylt)).toBe('DE-islands');
    expect(zoneOf(paketdienst.tariff, { country: 'AT', postalCode: '1010' })).toBe('EU1');
    expect(zoneOf(kurier.tariff, { country: 'IT', postalCode: '00100' })).toBeUndefined();
  });

  it.each([
    // weight, where, carrier, service, expected price in cents (band + fuel % of the band + surcharges)
    [1000, berlin, 'paketdienst', 'paket', 499 + 20],
    [4000, berlin, 'paketdienst', 'paket', 599 + 24],
    [4000, sylt, 'paketdienst', 'paket', 599 + 24 + 250],
    [1000, berlin, 'kurier', 'classic', 449 + 27],
    [12000, sylt, 'kurier', 'classic', 1299 + 78 + 499],
    [1000, berlin, 'kurier', 'express', 1799 + 108],
  ])('when %i g to %o go with %s %s, then the price is %i', (weightGrams, to, carrierId, serviceId, price) => {
    const carrier = devCarriers.find((c) => c.id === carrierId)!;
    expect(rateCarrier(carrier, { weightGrams }, to).find((q) => q.serviceId === serviceId)).toMatchObject({ price, currency: 'EUR' });
  });

  it('when a parcel is over a limit or holds dangerous goods, then the service refuses it with the reason', () => {
    const reasons = (parcel: Parameters<typeof rateCarrier>[1]) => rateCarrier(kurier, parcel, berlin).map((q) => ('reason' in q ? q.reason : 'ok'));
    expect(reasons({ weightGrams: 40000 })).toEqual(['40000 g is over its 31500 g', '40000 g is over its 31500 g']);
    expect(reasons({ weightGrams: 1000, dimensions: { lengthCm: 180, widthCm: 10, heightCm: 10 } })[0]).toBe('180 cm long is over its 175 cm');
    expect(reasons({ weightGrams: 1000, dimensions: { lengthCm: 100, widthCm: 60, heightCm: 50 } })[0]).toBe('girth 320 cm is over its 300 cm');
    expect(reasons({ weightGrams: 1000, hazmat: true })).toEqual(['takes no dangerous goods', 'takes no dangerous goods']);
  });

  it('when rates are shopped, then the cheapest service that meets the method wins: standard goes with kurier, express with paketdienst', () => {
    const std = shopRates(devCarriers, { weightGrams: 1000 }, berlin, standard);
    expect(std.choice).toMatchObject({ carrierId: 'kurier', serviceId: 'classic', price: 476, transitDays: 1 });
    expect(std.choice?.alternatives).toEqual(['paketdienst/paket 5.19 EUR, 2 d', 'paketdienst/express 15.59 EUR, 1 d', 'kurier/express 19.07 EUR, 1 d']);
    const exp = shopRates(devCarriers, { weightGrams: 1000 }, berlin, express);
    expect(exp.choice).toMatchObject({ carrierId: 'paketdienst', serviceId: 'express', price: 1559 });
    expect(exp.choice?.alternatives).toContain('kurier/classic: not express');
  });

  it('when only one service can take the parcel (dangerous goods), then it wins with its surcharge; express to an island has no service', () => {
    expect(shopRates(devCarriers, { weightGrams: 1000, hazmat: true }, berlin, standard).choice).toMatchObject({
      carrierId: 'paketdienst',
      serviceId: 'paket',
      price: 499 + 20 + 1200,
    });
    const island = shopRates(devCarriers, { weightGrams: 1000 }, sylt, express);
    expect(island.choice).toBeUndefined();
    expect(island.alternatives).toEqual(expect.arrayContaining(['paketdienst/express: does not serve DE 25980']));
  });

  it('when the promise is shorter than a service’s transit, then that service is left out', () => {
    const quick = shopRates(devCarriers, { weightGrams: 1000 }, { country: 'AT', postalCode: '1010' }, { level: 'standard', maxTransitDays: 3 });
    expect(quick.choice).toMatchObject({ carrierId: 'kurier', serviceId: 'classic', transitDays: 3 });
    expect(quick.alternatives).toContain('paketdienst/paket: 4 d is later than the 3 d promised');
  });

  it('when a table carrier books, then its tracking number is its prefix and 12 digits, the same for the same shipment', () => {
    expect(tableTrackingNumber('KU', 'shipment-1')).toMatch(/^KU\d{12}$/);
    expect(tableTrackingNumber('KU', 'shipment-1')).toBe(tableTrackingNumber('KU', 'shipment-1'));
    expect(tableTrackingNumber('KU', 'shipment-2')).not.toBe(tableTrackingNumber('KU', 'shipment-1'));
  });
});
