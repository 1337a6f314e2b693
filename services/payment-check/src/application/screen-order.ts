import { addressRiskValue, normalizeRiskValue, type BlocklistKind, type RiskSignals, type Screening, type VelocityKind } from '@oms/contracts';
import { isDisposableEmail } from '../data-access/disposable-domains';
import type { FraudSettings } from '../data-access/fraud-settings';
import type { PaymentCheckRepository } from '../data-access/payment-check-repository';
import { shortHash, type VelocityCounter } from '../data-access/velocity-counter';
import { scoreOrder } from '../domain/fraud-score';

export interface ScreeningDeps {
  settings: FraudSettings;
  velocity: VelocityCounter;
  checks: PaymentCheckRepository;
}

/** How many of a customer's earlier orders the history rules look at. */
const HISTORY_LIMIT = 100;

/** Payments that did not happen say nothing about what a customer usually spends. */
const NOT_AN_ORDER = new Set(['declined']);

/**
 * Screen an order for fraud: gather what the rules look at (blocklists, velocity in Redis, the customer's
 * earlier orders) and score it (domain/fraud-score.ts). Returns the keys the check stores, so later orders
 * of the customer find this one.
 */
export async function screenOrder(
  deps: ScreeningDeps,
  checkId: string,
  risk: RiskSignals,
  currency: string,
): Promise<{ screening: Screening; customerKey: string; addressKey: string }> {
  const rules = await deps.settings.cachedRules();
  const email = normalizeRiskValue('email', risk.email);
  const address = addressRiskValue(risk.shippingAddress);
  const phone = risk.phone ? normalizeRiskValue('phone', risk.phone) : undefined;
  const ip = risk.ip ? normalizeRiskValue('ip', risk.ip) : undefined;
  const customerKey = shortHash(email, 22);
  const addressKey = shortHash(address, 22);

  const candidates: Array<{ kind: BlocklistKind; value: string }> = [
    { kind: 'email', value: email },
    { kind: 'address', value: address },
  ];
  if (phone) candidates.push({ kind: 'phone', value: phone });
  if (ip) candidates.push({ kind: 'ip', value: ip });

  const velocityValues: Partial<Record<VelocityKind, string>> = { email, address };
  if (phone) velocityValues.phone = phone;
  if (ip) velocityValues.ip = ip;
  if (risk.cardReference) velocityValues.card = risk.cardReference;

  const [blocklisted, velocity, earlier] = await Promise.all([
    rules.blocklist.enabled ? deps.settings.blocked(candidates) : [],
    rules.velocity.enabled ? deps.velocity.count(checkId, velocityValues, rules.velocity.windowMinutes * 60_000) : {},
    rules.highValue.enabled || rules.expressToNewAddress.enabled ? deps.checks.ofCustomer(customerKey, HISTORY_LIMIT) : [],
  ]);

  const screening = scoreOrder(
    {
      total: risk.total,
      currency,
      shippingMethod: risk.shippingMethod,
      shippingCountry: risk.shippingAddress.country,
      billingCountry: risk.billingCountry,
      addressKey,
      disposableEmail: isDisposableEmail(email),
      blocklisted,
      velocity,
      earlierOrders: earlier
        .filter((c) => c._id !== checkId && !NOT_AN_ORDER.has(c.status))
        .map((c) => ({ amount: c.orderTotal ?? c.amount, currency: c.currency, addressKey: c.addressKey })),
    },
    rules,
  );
  return { screening, customerKey, addressKey };
}
