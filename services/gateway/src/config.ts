import { baseConfigSchema, z } from '@oms/config';

const internalUrl = z.url({ protocol: /^https?$/ });
const flag = z
  .enum(['true', 'false'], { error: "must be 'true' or 'false'" })
  .default('false')
  .transform((v) => v === 'true');

export const configSchema = baseConfigSchema.extend({
  /** The first `ops` key (actor `api-key:bootstrap`); further keys are created through /v1/api-keys and stored hashed. */
  OMS_BOOTSTRAP_API_KEY: z.string().min(16),
  INGESTION_URL: internalUrl,
  INVENTORY_URL: internalUrl,
  FULFILLMENT_URL: internalUrl,
  CARRIER_URL: internalUrl,
  RETURNS_URL: internalUrl,
  TASKS_URL: internalUrl,
  REPORTS_URL: internalUrl,
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
  /** Allow `http:` webhook URLs (development only; default false: https only). */
  WEBHOOK_ALLOW_HTTP: flag,
  /**
   * Allow webhook URLs whose host is a private, unique-local, loopback, link-local or CGNAT address (development
   * and tests, whose receivers run on 127.0.0.1; default false: public addresses only). docs/webhooks.md.
   */
  WEBHOOK_ALLOW_PRIVATE_NETWORKS: flag,
  /** Delays between failed attempts of a delivery (the last repeats): 1 min, 5 min, 30 min, 2 h, 6 h. */
  WEBHOOK_RETRY_DELAYS_MS: z
    .string()
    .regex(/^\d+(,\d+)*$/, 'must be a comma-separated list of milliseconds, e.g. 60000,300000')
    .default('60000,300000,1800000,7200000,21600000')
    .transform((s) => s.split(',').map(Number))
    .refine((delays) => delays.every((d) => d >= 10), 'every delay must be at least 10 ms'),
  /** How long a delivery is retried, from its first attempt (or a redelivery), before it is marked failed: 24 h. */
  WEBHOOK_RETRY_WINDOW_MS: z.coerce
    .number()
    .int()
    .min(100)
    .max(7 * 24 * 3600_000)
    .default(24 * 3600_000),
  /** How long one delivery attempt waits for the receiver's answer. */
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  /** How long a receiving host's circuit breaker stays open before one attempt may try it again. */
  WEBHOOK_BREAKER_RESET_MS: z.coerce.number().int().min(100).max(3600_000).default(30_000),
  /** How often each gateway process looks for due retries. */
  WEBHOOK_SWEEP_MS: z.coerce.number().int().min(50).max(600_000).default(5000),
  /** Delivery attempts one gateway process makes at once. */
  WEBHOOK_MAX_IN_FLIGHT: z.coerce.number().int().min(1).max(1000).default(50),
  /** Days a delivery (and its attempts) stays in the store after the day it was created; older ones are removed. */
  WEBHOOK_DELIVERY_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  /** How often each gateway process removes the deliveries past their retention. */
  WEBHOOK_RETENTION_SWEEP_MS: z.coerce
    .number()
    .int()
    .min(50)
    .max(24 * 3600_000)
    .default(3600_000),
});

export type GatewayConfig = z.infer<typeof configSchema>;
