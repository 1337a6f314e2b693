import { baseConfigSchema, z } from '@oms/config';

export const SERVICE_NAME = 'payment-check';

export const configSchema = baseConfigSchema.extend({
  /** Base URL of the card provider's API (the sandbox in dev and tests). */
  PAYMENT_PROVIDER_URL: z.url({ protocol: /^https?$/ }),
  /** Per-call timeout; a slower answer counts as a provider failure (retried, and towards the breaker). */
  PAYMENT_PROVIDER_TIMEOUT_MS: z.coerce.number().int().min(50).max(60000).default(3000),
  /** Renew a card authorization this long before it expires, if the order has not shipped (1 day). */
  REAUTHORIZE_BEFORE_MS: z.coerce
    .number()
    .int()
    .min(1000)
    .default(24 * 60 * 60 * 1000),
  /** How often payment-check looks for authorizations to renew (1 hour). */
  REAUTHORIZE_SWEEP_MS: z.coerce
    .number()
    .int()
    .min(100)
    .default(60 * 60 * 1000),
  /** How long a replica keeps the fraud rules it read: a PUT /v1/fraud/rules reaches every replica within this time. */
  FRAUD_RULES_CACHE_MS: z.coerce.number().int().min(0).max(600_000).default(5000),
});

export type PaymentCheckConfig = z.infer<typeof configSchema>;
