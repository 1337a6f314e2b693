import { baseConfigSchema, z } from '@oms/config';

const internalUrl = z.url({ protocol: /^https?$/ });

export const configSchema = baseConfigSchema.extend({
  /** The first `ops` key, with full access; stored keys and roles come later. */
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
});

export type GatewayConfig = z.infer<typeof configSchema>;
