import { baseConfigSchema, z } from '@oms/config';

export const SERVICE_NAME = 'payment-check';

export const configSchema = baseConfigSchema.extend({
  /** Base URL of the card provider's API (the sandbox in dev and tests). */
  PAYMENT_PROVIDER_URL: z.url({ protocol: /^https?$/ }),
  /** Per-call timeout; a slower answer counts as a provider failure (retried, and towards the breaker). */
  PAYMENT_PROVIDER_TIMEOUT_MS: z.coerce.number().int().min(50).max(60000).default(3000),
});

export type PaymentCheckConfig = z.infer<typeof configSchema>;
