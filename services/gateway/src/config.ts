import { baseConfigSchema, z } from '@oms/config';

const internalUrl = z.url({ protocol: /^https?$/ });

export const configSchema = baseConfigSchema.extend({
  /** The first `ops` key (actor `api-key:bootstrap`); further keys are created through /v1/api-keys and stored hashed. */
  OMS_BOOTSTRAP_API_KEY: z.string().min(16),
  INGESTION_URL: internalUrl,
  INVENTORY_URL: internalUrl,
  FULFILLMENT_URL: internalUrl,
  CARRIER_URL: internalUrl,
  RETURNS_URL: internalUrl,
  PAYMENT_CHECK_URL: internalUrl,
  /** How long an HTTP command waits for its handler's answer before answering 202. */
  COMMAND_TIMEOUT_MS: z.coerce.number().int().min(100).max(60000).default(5000),
  /** Timeout of one query to an internal service. */
  UPSTREAM_TIMEOUT_MS: z.coerce.number().int().min(100).max(60000).default(3000),
  /**
   * Requests per second per API key. Generous by default: one storefront or the intake benchmark (2,000+
   * orders/s through one key) must not be throttled; tighten it per deployment.
   */
  RATE_LIMIT_PER_SECOND: z.coerce.number().int().min(1).max(1_000_000).default(5000),
  /** Extra requests a key may make above its per-second rate within any 10 seconds (0: none). */
  RATE_LIMIT_BURST: z.coerce.number().int().min(0).max(10_000_000).default(0),
  /** How long a resolved stored API key is remembered in-process; a revocation reaches other instances within this. */
  API_KEY_CACHE_MS: z.coerce.number().int().min(0).max(10000).default(2000),
  /** How long an Idempotency-Key and its answer are kept (the IETF draft asks for at least 24 hours). */
  IDEMPOTENCY_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .max(30 * 24 * 3600)
    .default(25 * 3600),
});

export type GatewayConfig = z.infer<typeof configSchema>;
