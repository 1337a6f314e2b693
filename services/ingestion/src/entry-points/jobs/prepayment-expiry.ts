import type { Logger } from '@oms/logging';
import { PeriodicPass } from '@oms/runtime';
import { expirePrepayments, type PrepaymentExpiryDeps } from '../../application/expire-prepayments';

/** Every interval, cancels the prepayment orders whose transfer did not come in time (expire-prepayments.ts). */
export function prepaymentExpiry(deps: PrepaymentExpiryDeps, days: number, logger: Logger): PeriodicPass {
  return new PeriodicPass(
    'prepayment expiry',
    async () => {
      const cancelled = await expirePrepayments(deps, days);
      if (cancelled > 0) logger.info({ cancelled, days }, 'prepayment orders without payment cancelled');
    },
    logger,
  );
}
