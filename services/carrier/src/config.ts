import { baseConfigSchema, z } from '@oms/config';

export const SERVICE_NAME = 'carrier';

export const configSchema = baseConfigSchema.extend({
  CARRIER_SANDBOX_URL: z.url({ protocol: /^https?$/ }),
  CARRIER_TIMEOUT_MS: z.coerce.number().int().min(100).max(60000).default(3000),
  /** Seeds the sandbox carrier's webhook secret on first start only (later changes go through carrier.configure.v1). */
  SANDBOX_CARRIER_WEBHOOK_SECRET: z.string().min(16).max(200).optional(),
});
export type CarrierConfig = z.infer<typeof configSchema>;
