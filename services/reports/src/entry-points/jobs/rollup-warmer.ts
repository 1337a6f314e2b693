import type { Logger } from '@oms/logging';
import { PeriodicPass } from '@oms/runtime';
import type { ReportsDeps } from '../../application/reports-deps';
import { warmRollups } from '../../application/warm-rollups';

/**
 * Every interval, the days closed lately get their rollups, so that the first report after midnight reads
 * them rather than computing them. Every replica runs it: the rollups are insert-only with deterministic
 * ids, so two replicas computing one day store it once.
 */
export function rollupWarmer(deps: ReportsDeps, logger: Logger): PeriodicPass {
  return new PeriodicPass(
    'rollup warmer',
    async () => {
      const days = await warmRollups(deps);
      if (days.length > 0) logger.info({ days }, 'rolled up closed days');
    },
    logger,
  );
}
