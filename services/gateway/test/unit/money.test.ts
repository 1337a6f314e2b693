import { decimalToMinorUnits } from '../../src/domain/intake/money';

describe('money from decimal strings', () => {
  it('when decimal strings are converted by the currency exponent, then the minor units are exact', () => {
    expect(decimalToMinorUnits('19.99', 2)).toBe(1999);
    expect(decimalToMinorUnits('1500', 0)).toBe(1500);
    expect(decimalToMinorUnits('0.10', 2)).toBe(10);
    expect(decimalToMinorUnits('1.5', 2)).toBe(150);
    expect(decimalToMinorUnits('12.345', 3)).toBe(12345);
    expect(decimalToMinorUnits('19.990', 2)).toBe(1999);
    expect(decimalToMinorUnits('1005.10', 2)).toBe(100510); // 1005.1 * 100 is 100509.99999999999 in floats
  });

  it('when an amount has more decimals than its currency, or is not a number, then it is refused', () => {
    expect(() => decimalToMinorUnits('19.995', 2)).toThrow('more than 2 decimals');
    expect(() => decimalToMinorUnits('1500.5', 0)).toThrow();
    expect(() => decimalToMinorUnits('-1.00', 2)).toThrow();
    expect(() => decimalToMinorUnits('1e3', 2)).toThrow();
  });
});
