import fc from 'fast-check';
import { DEFAULT_FRAUD_RULES, VELOCITY_KINDS, normalizeRiskValue, type FraudRules } from '@oms/contracts';
import { scoreOrder, type ScreeningFacts } from '../../src/domain/fraud-score';

/** The fraud score as a pure function: each rule alone, the thresholds, and properties over random facts. */

const quiet: ScreeningFacts = {
  total: 4493,
  currency: 'EUR',
  shippingMethod: 'standard',
  shippingCountry: 'DE',
  addressKey: 'addr-1',
  disposableEmail: false,
  blocklisted: [],
  velocity: { email: 1, address: 1 },
  earlierOrders: [{ amount: 5000, currency: 'EUR', addressKey: 'addr-1' }],
};
const rules = DEFAULT_FRAUD_RULES;

describe('fraud score', () => {
  it('when nothing is unusual, then the score is 0 and the order is approved', () => {
    expect(scoreOrder(quiet, rules)).toEqual({ score: 0, outcome: 'approve', reasons: [] });
  });

  it.each<[string, Partial<ScreeningFacts>, number, RegExp]>([
    ['a blocklisted email', { blocklisted: [{ kind: 'email', value: 'x@y.de' }] }, 100, /blocklisted email x@y.de/],
    ['a disposable email domain', { disposableEmail: true }, 40, /disposable email domain/],
    ['billing in another country', { billingCountry: 'NL' }, 20, /billing country NL differs from shipping country DE/],
    ['a first order above the limit', { earlierOrders: [], total: 150_000 }, 30, /first order of 150000 EUR, above 100000/],
    ['five times the customer’s average', { total: 25_001 }, 30, /more than 5 × the customer's average 5000 over 1 earlier orders/],
    ['express to a new address', { shippingMethod: 'Express', addressKey: 'addr-2' }, 15, /Express shipping to an address not used before/],
    ['a first order with express shipping', { shippingMethod: 'express', earlierOrders: [] }, 15, /first order, with express shipping/],
    ['4 orders per email in the window', { velocity: { email: 4, address: 1 } }, 35, /4 orders with this email in 60 min \(limit 3\)/],
  ])('when the order has %s, then that rule’s weight and reason count', (_name, change, score, reason) => {
    const result = scoreOrder({ ...quiet, ...change }, rules);
    expect(result.score).toBe(score);
    expect(result.reasons).toEqual([expect.stringMatching(reason)]);
  });

  it('when an earlier order was in another currency, then it is not the customer’s history for the high-value rule', () => {
    const result = scoreOrder({ ...quiet, total: 40_000, earlierOrders: [{ amount: 100, currency: 'CHF', addressKey: 'addr-1' }] }, rules);
    expect(result).toMatchObject({ score: 0, outcome: 'approve' });
  });

  it('when the score reaches reviewAt, then the outcome is review; at rejectAt, reject', () => {
    expect(scoreOrder({ ...quiet, disposableEmail: true, billingCountry: 'AT' }, rules)).toMatchObject({ score: 60, outcome: 'review' });
    expect(scoreOrder({ ...quiet, blocklisted: [{ kind: 'ip', value: '10.0.0.1' }] }, rules)).toMatchObject({ score: 100, outcome: 'reject' });
  });

  it('when a rule is disabled, then it never fires', () => {
    const off: FraudRules = { ...rules, disposableEmail: { enabled: false, weight: 40 } };
    expect(scoreOrder({ ...quiet, disposableEmail: true }, off)).toMatchObject({ score: 0, reasons: [] });
  });

  const factsArb = fc.record({
    total: fc.integer({ min: 0, max: 10_000_000 }),
    currency: fc.constantFrom('EUR', 'CHF'),
    shippingMethod: fc.constantFrom('standard', 'express', 'pickup'),
    shippingCountry: fc.constantFrom('DE', 'AT'),
    billingCountry: fc.option(fc.constantFrom('DE', 'AT', 'NL'), { nil: undefined }),
    addressKey: fc.constantFrom('a', 'b'),
    disposableEmail: fc.boolean(),
    blocklisted: fc.array(fc.record({ kind: fc.constantFrom('email' as const, 'phone' as const, 'ip' as const, 'address' as const), value: fc.string() }), {
      maxLength: 3,
    }),
    velocity: fc.dictionary(fc.constantFrom(...VELOCITY_KINDS), fc.integer({ min: 1, max: 50 })),
    earlierOrders: fc.array(
      fc.record({ amount: fc.integer({ min: 0, max: 1_000_000 }), currency: fc.constantFrom('EUR', 'CHF'), addressKey: fc.constantFrom('a', 'b') }),
      { maxLength: 5 },
    ),
  });

  it('for any order, the score is the sum of the weights its reasons name, and the outcome follows the thresholds', () => {
    fc.assert(
      fc.property(factsArb, (facts) => {
        const { score, outcome, reasons } = scoreOrder(facts, rules);
        const sum = reasons.reduce((s, r) => s + Number(/\(\+(\d+)\)$/.exec(r)![1]), 0);
        expect(score).toBe(sum);
        expect(outcome).toBe(score >= rules.rejectAt ? 'reject' : score >= rules.reviewAt ? 'review' : 'approve');
      }),
      { numRuns: 500 },
    );
  });

  it('for any order, one more blocklist hit never lowers the score or softens the outcome', () => {
    const rank = { approve: 0, review: 1, reject: 2 };
    fc.assert(
      fc.property(factsArb, (facts) => {
        const before = scoreOrder(facts, rules);
        const after = scoreOrder({ ...facts, blocklisted: [...facts.blocklisted, { kind: 'email', value: 'e' }] }, rules);
        expect(after.score).toBeGreaterThan(before.score);
        expect(rank[after.outcome]).toBeGreaterThanOrEqual(rank[before.outcome]);
      }),
      { numRuns: 300 },
    );
  });
});

describe('risk values, normalized', () => {
  it.each([
    ['email', ' Max.Muster@Example.COM ', 'max.muster@example.com'],
    ['phone', '+49 (30) 123-4567', '+49301234567'],
    ['phone', '030 1234567', '0301234567'],
    ['ip', '2001:DB8::1', '2001:db8::1'],
    ['address', 'de: 10 115 :Invalidenstraße   117', 'DE:10115:invalidenstraße 117'],
  ] as const)('when a %s is written %j, then it is stored as %j', (kind, raw, normalized) => {
    expect(normalizeRiskValue(kind, raw)).toBe(normalized);
  });
});
