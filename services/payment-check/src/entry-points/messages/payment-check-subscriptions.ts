import type { Subscriptions } from '@oms/messaging';
import { capturePayment } from '../../application/capture-payment';
import { checkPayment } from '../../application/check-payment';
import { decidePaymentReview } from '../../application/decide-review';
import { blockValue, setFraudRules, unblockValue } from '../../application/fraud-settings';
import type { PaymentUseCaseDeps } from '../../application/payment-check-deps';
import { reauthorizePayment } from '../../application/reauthorize-payment';
import { receivePayment } from '../../application/receive-payment';
import { refundPayment } from '../../application/refund-payment';
import { voidPayment } from '../../application/void-payment';

/** Every subscription of payment-check: each message its queue receives, and the use case it runs. */
export function paymentCheckSubscriptions(deps: PaymentUseCaseDeps, reauthorizeBeforeMs: number): Subscriptions {
  return {
    'payment-check.commands': {
      'payment.check.v1': (msg) => checkPayment(deps, msg),
      'payment.void.v1': (msg) => voidPayment(deps, msg),
      'payment.capture.v1': (msg) => capturePayment(deps, msg),
      'payment.refund.v1': (msg) => refundPayment(deps, msg),
      'payment.receive.v1': (msg) => receivePayment(deps, msg),
      'payment.decide-review.v1': (msg) => decidePaymentReview(deps, msg),
      'payment.reauthorize.v1': (msg) => reauthorizePayment(deps, msg, reauthorizeBeforeMs),
      'fraud.set-rules.v1': (msg) => setFraudRules(deps.screening.settings, msg),
      'fraud.block.v1': (msg) => blockValue(deps.screening.settings, msg),
      'fraud.unblock.v1': (msg) => unblockValue(deps.screening.settings, msg),
    },
  };
}
