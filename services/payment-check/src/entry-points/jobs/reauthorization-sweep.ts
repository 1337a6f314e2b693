import type { Logger } from '@oms/logging';
import { PeriodicPass } from '@oms/runtime';
import { sweepExpiringAuthorizations, type ReauthorizationSweepDeps } from '../../application/reauthorize-payment';

/** Every interval, asks to renew the authorizations that expire within `beforeMs` (reauthorize-payment.ts). */
export function reauthorizationSweep(deps: ReauthorizationSweepDeps, beforeMs: number, logger: Logger): PeriodicPass {
  return new PeriodicPass(
    're-authorization sweep',
    async () => {
      const sent = await sweepExpiringAuthorizations(deps, beforeMs);
      if (sent > 0) logger.info({ sent }, 'authorizations about to expire: renewal asked for');
    },
    logger,
  );
}
