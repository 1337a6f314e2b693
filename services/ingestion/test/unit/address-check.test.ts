import { DEFAULT_SHIPPING_COVERAGE, postalCodeFits, type Address } from '@oms/contracts';
import { checkAddress } from '../../src/domain/address-check';

/** The address check as a table: per country, German places, PO boxes, and where each method delivers. */

const berlin: Address = { name: 'Anna Schmidt', line1: 'Invalidenstraße 117', postalCode: '10115', city: 'Berlin', country: 'DE' };
const check = (address: Partial<Address>, method = 'standard', pickupLocationId?: string) =>
  checkAddress({ ...berlin, ...address }, { method, ...(pickupLocationId ? { pickupLocationId } : {}) }, DEFAULT_SHIPPING_COVERAGE);

describe('address check', () => {
  it.each<[string, Partial<Address>, string]>([
    ['Berlin', {}, 'standard'],
    ['a district of Berlin', { city: 'Berlin-Mitte' }, 'standard'],
    ['Frankfurt without "am Main"', { postalCode: '60311', city: 'Frankfurt' }, 'standard'],
    ['Frankfurt am Main', { postalCode: '60311', city: 'Frankfurt am Main' }, 'standard'],
    ['München with its umlaut spelt out', { postalCode: '80331', city: 'Muenchen' }, 'standard'],
    ['a code shared by two villages', { postalCode: '99998', city: 'Weinbergen' }, 'standard'],
    ['Sylt by standard parcel', { postalCode: '25980', city: 'Westerland' }, 'standard'],
    ['Vienna by express', { postalCode: '1010', city: 'Wien', country: 'AT' }, 'express'],
    ['a Packstation by standard parcel', { line1: 'Packstation 123', line2: '12345678' }, 'standard'],
    ['a US address with its state', { postalCode: '10001', city: 'New York', country: 'US', region: 'NY' }, 'standard'],
    ['a pickup at a store', { line1: 'Postfach 1234' }, 'pickup'],
  ])('when the address is %s, then it is deliverable', (_name, address, method) => {
    expect(check(address, method, method === 'pickup' ? 'store-mitte' : undefined)).toEqual({ deliverable: true, method });
  });

  it.each<[string, Partial<Address>, string, RegExp, object | null]>([
    [
      'a postal code of another city',
      { city: 'Hamburg' },
      'standard',
      /^postal code 10115 is Berlin, not Hamburg$/,
      { city: 'Berlin', postalCodes: expect.arrayContaining(['20095']) },
    ],
    [
      'a German postal code that does not exist',
      { postalCode: '00000' },
      'standard',
      /^postal code 00000 does not exist in Germany$/,
      { postalCodes: expect.arrayContaining(['10115']) },
    ],
    [
      'Bad Nauheim with Bad Homburg’s code',
      { postalCode: '61348', city: 'Bad Nauheim' },
      'standard',
      /^postal code 61348 is Bad Homburg/,
      { city: 'Bad Homburg v d Höhe' },
    ],
    ['a Postfach by express', { line1: 'Postfach 10 20 30' }, 'express', /^shipping method express does not deliver to PO boxes or parcel stations$/, null],
    ['a P.O. Box by overnight', { line1: 'P.O. Box 42', postalCode: '1010', city: 'Wien', country: 'AT' }, 'overnight', /does not deliver to PO boxes/, null],
    ['Sylt by express', { postalCode: '25980', city: 'Westerland' }, 'express', /^shipping method express does not deliver to 25980 \(Sylt\)$/, null],
    [
      'Norway by express',
      { postalCode: '0150', city: 'Oslo', country: 'NO' },
      'Express',
      /^shipping method Express does not deliver to NO \(it reaches DE, AT/,
      null,
    ],
    ['a US address without its state', { postalCode: '10001', city: 'New York', country: 'US' }, 'standard', /^a US address needs its region/, null],
  ])('when the address is %s, then it is not deliverable, with the reason', (_name, address, method, reason, suggestion) => {
    const verdict = check(address, method);
    expect(verdict).toMatchObject({ deliverable: false, reasons: [expect.stringMatching(reason)] });
    if (suggestion) expect(verdict).toMatchObject({ suggestion });
    else expect(verdict).not.toHaveProperty('suggestion');
  });

  it('when a pickup order names no store, then it is not deliverable', () => {
    expect(check({}, 'pickup')).toMatchObject({ deliverable: false, reasons: [expect.stringMatching(/is a pickup, but the order names no pickup location/)] });
  });

  it('when a method is not in the table, then it delivers like default: everywhere, PO boxes too', () => {
    expect(check({ line1: 'Postfach 1', postalCode: '0150', city: 'Oslo', country: 'NO' }, 'DHL Paket')).toEqual({ deliverable: true, method: 'default' });
  });
});

describe('postal-code formats (checked at intake: 422)', () => {
  it.each([
    ['DE', '10115', true],
    ['DE', '1011', false],
    ['AT', '1010', true],
    ['CH', '8001', true],
    ['NL', '1012 AB', true],
    ['NL', '1012', false],
    ['FR', '75001', true],
    ['IT', '00184', true],
    ['ES', '28013', true],
    ['PL', '00-950', true],
    ['PL', '00950', false],
    ['SE', '111 22', true],
    ['IE', 'D02 X285', true],
    ['PT', '1000-001', true],
    ['GB', 'SW1A 1AA', true],
    ['GB', '12345', false],
    ['US', '10001', true],
    ['US', '10001-1234', true],
    ['US', '1000', false],
    ['CA', 'K1A 0B1', true],
    ['CA', '12345', false],
  ])('when a %s postal code is %j, then it fits: %s', (country, code, fits) => {
    expect(postalCodeFits(code, country)).toBe(fits);
  });
});
