import type { ServiceDefinition } from '@oms/runtime';
import { configSchema, SERVICE_NAME } from './config';
import { FactRepository } from './data-access/fact-repository';
import { RollupRepository } from './data-access/rollup-repository';
import { reportRoutes } from './entry-points/http/report-routes';
import { rollupWarmer } from './entry-points/jobs/rollup-warmer';
import { reportsSubscriptions } from './entry-points/messages/reports-subscriptions';

/** reports: sales, fulfillment, returns and cancellations, from facts the events leave and per-day rollups (docs/reports.md). */
export const definition: ServiceDefinition<typeof configSchema> = {
  name: SERVICE_NAME,
  configSchema,
  setup(ctx) {
    const deps = {
      facts: new FactRepository(ctx.db),
      rollups: new RollupRepository(ctx.db),
      rollupAfterHours: ctx.config.REPORTS_ROLLUP_AFTER_HOURS,
      now: () => new Date(),
    };
    const warmer = rollupWarmer(deps, ctx.logger);
    warmer.start(ctx.config.REPORTS_WARM_PASS_MS);
    return {
      routes: reportRoutes(deps),
      consumers: reportsSubscriptions(deps),
      onStop: () => warmer.stop(),
    };
  },
};
