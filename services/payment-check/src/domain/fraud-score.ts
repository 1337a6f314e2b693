import type { BlocklistKind, FraudRules, Screening, VelocityKind } from '@oms/contracts';

/** An earlier order of the same customer (same email), as the screening sees it. */
export interface EarlierOrder {
  amount: number;
  currency: string;
  addressKey?: string;
}

/** Everything the rules look at, gathered by the application (application/screen-order.ts). */
export interface ScreeningFacts {
  total: number;
  currency: string;
  shippingMethod: string;
  shippingCountry: string;
  billingCountry?: string;
  addressKey: string;
  disposableEmail: boolean;
  /** The kinds (and values) found on a blocklist. */
  blocklisted: Array<{ kind: BlocklistKind; value: string }>;
  /** Orders with the same value in the velocity window, this one included, per kind given. */
  velocity: Partial<Record<VelocityKind, number>>;
  earlierOrders: EarlierOrder[];
}

/**
 * The fraud score: the sum of the weights of the rules that fire, each with a reason a person can read.
 * Pure, so the score of a given set of facts and rules is always the same (property-tested).
 */
export function scoreOrder(facts: ScreeningFacts, rules: FraudRules): Screening {
  const reasons: string[] = [];
  let score = 0;
  const fire = (weight: number, reason: string) => {
    score += weight;
    reasons.push(`${reason} (+${weight})`);
  };

  if (rules.blocklist.enabled) for (const hit of facts.blocklisted) fire(rules.blocklist.weight, `blocklisted ${hit.kind} ${hit.value}`);

  if (rules.disposableEmail.enabled && facts.disposableEmail) fire(rules.disposableEmail.weight, 'disposable email domain');

  if (rules.countryMismatch.enabled && facts.billingCountry && facts.billingCountry !== facts.shippingCountry)
    fire(rules.countryMismatch.weight, `billing country ${facts.billingCountry} differs from shipping country ${facts.shippingCountry}`);

  if (rules.highValue.enabled) {
    const earlier = facts.earlierOrders.filter((o) => o.currency === facts.currency);
    if (earlier.length === 0) {
      if (facts.total > rules.highValue.firstOrderAbove)
        fire(rules.highValue.weight, `first order of ${facts.total} ${facts.currency}, above ${rules.highValue.firstOrderAbove}`);
    } else {
      const average = Math.round(earlier.reduce((sum, o) => sum + o.amount, 0) / earlier.length);
      if (facts.total > rules.highValue.factor * average)
        fire(
          rules.highValue.weight,
          `order of ${facts.total} ${facts.currency} is more than ${rules.highValue.factor} × the customer's average ${average} over ${earlier.length} earlier orders`,
        );
    }
  }

  if (rules.expressToNewAddress.enabled && isExpress(facts.shippingMethod, rules.expressToNewAddress.methods)) {
    const known = facts.earlierOrders.some((o) => o.addressKey === facts.addressKey);
    if (!known)
      fire(
        rules.expressToNewAddress.weight,
        facts.earlierOrders.length === 0
          ? `first order, with ${facts.shippingMethod} shipping`
          : `${facts.shippingMethod} shipping to an address not used before`,
      );
  }

  if (rules.velocity.enabled)
    for (const [kind, count] of Object.entries(facts.velocity) as Array<[VelocityKind, number]>) {
      const limit = rules.velocity.limits[kind];
      if (count > limit) fire(rules.velocity.weight, `${count} orders with this ${kind} in ${rules.velocity.windowMinutes} min (limit ${limit})`);
    }

  const outcome = score >= rules.rejectAt ? 'reject' : score >= rules.reviewAt ? 'review' : 'approve';
  return { score, outcome, reasons };
}

const isExpress = (method: string, expressMethods: string[]) => expressMethods.some((m) => m.toLowerCase() === method.toLowerCase());
