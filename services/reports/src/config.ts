import { baseConfigSchema, z } from '@oms/config';

export const SERVICE_NAME = 'reports';

export const configSchema = baseConfigSchema.extend({
  /**
   * Hours after a day ended (UTC) before its rollups are computed and stored: events of a day still arrive
   * for a while after midnight. Until then the day is answered from its facts.
   */
  REPORTS_ROLLUP_AFTER_HOURS: z.coerce.number().min(0).max(168).default(2),
  /** How often the days closed lately get their rollups ahead of the first report (ms). */
  REPORTS_WARM_PASS_MS: z.coerce.number().int().min(100).max(86_400_000).default(600_000),
});
export type ReportsConfig = z.infer<typeof configSchema>;
