import type { Broker, Message } from '@oms/messaging';
import { expiryDay, paymentCheckId } from '../data-access/payment-check-model';
import type { PaymentCheckRepository } from '../data-access/payment-check-repository';
import type { PaymentUseCaseDeps } from './payment-check-deps';

const DAY_MS = 24 * 60 * 60 * 1000;
const dayOf = (ms: number) => expiryDay(new Date(ms).toISOString())!;

export interface ReauthorizationSweepDeps {
  checks: PaymentCheckRepository;
  broker: Broker;
}

/**
 * The sweep: every approved check whose authorization expires within `beforeMs` (or has expired) is sent a
 * `payment.reauthorize.v1` through payment-check's own queue, so the renewal happens under the check's lock,
 * once. It reads day buckets (`authExpiresDay`, an equality with `status`) from three days back to the day of
 * now + beforeMs: what it reads grows with the orders authorized on those days, never with history.
 */
export async function sweepExpiringAuthorizations(deps: ReauthorizationSweepDeps, beforeMs: number, now = Date.now()): Promise<number> {
  const until = now + beforeMs;
  const lastDay = dayOf(until);
  let sent = 0;
  for (let day = now - 3 * DAY_MS; dayOf(day) <= lastDay; day += DAY_MS) {
    for (const check of await deps.checks.approvedExpiringOn(dayOf(day))) {
      // A renewal the provider declined is not asked again (the order was told once).
      if (check.reauthorizationDeclined || !check.authorizationExpiresAt || Date.parse(check.authorizationExpiresAt) > until) continue;
      await deps.broker.publish('payment.reauthorize.v1', { orderId: check.orderId }, { correlationId: check.orderId });
      sent++;
    }
  }
  return sent;
}

/**
 * Renew an authorization before it expires (card schemes hold money for about a week; an order may wait
 * longer for stock or a review): authorize the amount again (key `<check id>:reauthorize:<old id>`, so a retry
 * gets the same new one), void the old one, keep the new one. A check that is no longer approved, or whose
 * authorization is not due, is left alone. A decline is recorded and reported (`payment.reauthorization-declined.v1`:
 * ingestion holds the order for ops), and not asked again.
 */
export async function reauthorizePayment({ store, provider }: PaymentUseCaseDeps, msg: Message<'payment.reauthorize.v1'>, beforeMs: number): Promise<void> {
  const { orderId } = msg.data;
  const checkId = paymentCheckId(orderId);
  await store.change(checkId, msg, async (current) => {
    if (!current || current.status !== 'approved' || !current.authorizationId || current.reauthorizationDeclined) return {};
    const expiresAt = current.authorizationExpiresAt;
    if (!expiresAt || Date.parse(expiresAt) > Date.now() + beforeMs) return {};
    const old = current.authorizationId;
    const { reference, amount, currency, method } = current;
    const renewed = await provider.authorize({ reference, amount, currency, method }, `${checkId}:reauthorize:${old}`);
    if (renewed.status !== 'approved')
      return {
        update: { $set: { reauthorizationDeclined: renewed.reason } },
        correlationId: orderId,
        emit: [{ type: 'payment.reauthorization-declined.v1', data: { orderId, checkId, reason: renewed.reason, ...(expiresAt ? { expiresAt } : {}) } }],
      };
    await provider.void(old);
    return {
      update: {
        $set: {
          authorizationId: renewed.authorizationId,
          authorizationExpiresAt: renewed.expiresAt,
          authExpiresDay: expiryDay(renewed.expiresAt),
          reauthorizedFrom: old,
          reauthorizedAt: new Date(),
        },
      },
      correlationId: orderId,
      emit: [
        {
          type: 'payment.reauthorized.v1',
          data: { orderId, checkId, authorizationId: renewed.authorizationId, replaced: old, ...(renewed.expiresAt ? { expiresAt: renewed.expiresAt } : {}) },
        },
      ],
    };
  });
}
