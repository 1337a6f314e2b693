import { baseConfigSchema, z } from '@oms/config';

export const SERVICE_NAME = 'tasks';

export const configSchema = baseConfigSchema.extend({
  /** How often the scheduler looks for rules whose time has come (ms). A rule acts at most this late. */
  SCHEDULER_PASS_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
});
export type TasksConfig = z.infer<typeof configSchema>;
