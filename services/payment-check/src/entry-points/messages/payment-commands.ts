import { unprocessable } from '@oms/errors';
import { deterministicId, type HandlerMap } from '@oms/messaging';
import { isDuplicateKeyError } from '@oms/mongo';
import type { OutboxRelay } from '@oms/outbox';
import type { AggregateLocks } from '@oms/redis';
import { decideRefund, decideVoid } from '../../domain/payment-check';
import { paymentCheckId, paymentLockKey, type PaymentCheckModel } from '../../data-access/payment-check-model';
import type { PaymentProvider } from '../../data-access/payment-provider';

export interface PaymentCommandDeps {
  locks: AggregateLocks;
  outbox: OutboxRelay;
  checks: PaymentCheckModel;
  provider: PaymentProvider;
}

/**
 * Handlers of `payment-check.commands`. Each runs under the check's lock; the provider is called with an
 * idempotency key derived from the check (or the return), so a retry after a timeout never charges twice.
 * A provider outage throws a plain Error: nothing is stored and the kit retries the message later.
 */
export function paymentCommandHandlers({ locks, outbox, checks, provider }: PaymentCommandDeps): HandlerMap {
  return {
    'payment.check.v1': async (msg) => {
      const { orderId, amount, currency, provider: providerName, method, reference } = msg.data;
      const checkId = paymentCheckId(orderId);
      await locks.withLock(paymentLockKey(orderId), async () => {
        const existing = await checks.findById(checkId, { _id: 1 }).lean();
        if (!existing) {
          const result = await provider.authorize({ reference, amount, currency, method }, checkId);
          const meta = { correlationId: orderId, causationId: msg.id };
          const event =
            result.status === 'approved'
              ? outbox.entry('payment.approved.v1', { orderId, checkId, amount, currency, providerRef: result.authorizationId }, { ...meta, id: deterministicId(msg.id, 'payment.approved.v1') })
              : outbox.entry('payment.declined.v1', { orderId, checkId, reason: result.reason }, { ...meta, id: deterministicId(msg.id, 'payment.declined.v1') });
          try {
            await checks.create({
              _id: checkId,
              orderId,
              amount,
              currency,
              provider: providerName,
              method,
              reference,
              status: result.status,
              authorizationId: result.authorizationId,
              declineReason: result.status === 'declined' ? result.reason : undefined,
              refunds: [],
              processed: [msg.id],
              outbox: [event],
              createdAt: new Date(),
            });
          } catch (err) {
            // The unique order id is the last line against a second check (a lock that expired mid-call).
            if (!isDuplicateKeyError(err)) throw err;
          }
        }
        // Also publishes what an earlier attempt stored but could not publish.
        await outbox.flush(checks, checkId);
      });
    },

    'payment.void.v1': async (msg) => {
      const { orderId } = msg.data;
      const checkId = paymentCheckId(orderId);
      await locks.withLock(paymentLockKey(orderId), async () => {
        const check = await checks.findById(checkId, { outbox: 0 }).lean();
        // No check: nothing was ever authorized, so there is nothing to release.
        if (!check || check.processed.includes(msg.id)) return;
        const decision = decideVoid(check);
        if (decision.kind === 'nothing') return;
        if (decision.kind === 'void-at-provider') await provider.void(decision.authorizationId);
        const event = outbox.entry('payment.voided.v1', { orderId }, { correlationId: orderId, causationId: msg.id, id: deterministicId(msg.id, 'payment.voided.v1') });
        await checks.updateOne({ _id: checkId }, { $set: { status: 'voided', voidedAt: new Date() }, $push: { processed: msg.id, outbox: event } });
        await outbox.flush(checks, checkId);
      });
    },

    'payment.refund.v1': async (msg) => {
      const { orderId, returnId, amount, currency } = msg.data;
      const checkId = paymentCheckId(orderId);
      await locks.withLock(paymentLockKey(orderId), async () => {
        const check = await checks.findById(checkId, { outbox: 0 }).lean();
        const decision = decideRefund(check, { returnId, amount, currency });
        if (decision.kind === 'refund') {
          // The return id is the idempotency key: one refund per return at the provider, whatever happens here.
          const result = await provider.refund({ authorizationId: decision.authorizationId, amount, currency }, returnId);
          if (!result.ok) throw unprocessable(`the payment provider refused the refund: ${result.error}`);
          const event = outbox.entry(
            'payment.refunded.v1',
            { orderId, returnId, amount, currency, providerRef: result.refundId },
            { correlationId: orderId, causationId: msg.id, id: deterministicId(msg.id, 'payment.refunded.v1') },
          );
          await checks.updateOne(
            { _id: checkId },
            { $push: { refunds: { returnId, amount, providerRef: result.refundId, at: new Date() }, processed: msg.id, outbox: event } },
          );
        }
        await outbox.flush(checks, checkId);
      });
    },
  };
}
