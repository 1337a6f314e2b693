import { baseConfigSchema, z } from '@oms/config';

export const SERVICE_NAME = 'carrier';

/** The longest transit each shipping method promises, in days (`default` for the others). */
export const DEFAULT_PROMISE_DAYS: Record<string, number> = { express: 1, standard: 5, default: 5 };

const jsonTable = <T extends z.ZodType>(schema: T, fallback: z.infer<T>, what: string) =>
  z
    .string()
    .optional()
    .transform((raw, ctx): z.infer<T> => {
      if (raw === undefined || raw.trim() === '') return fallback;
      try {
        return schema.parse(JSON.parse(raw));
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: `is not ${what}: ${(err as Error).message}` });
        return z.NEVER;
      }
    });

export const configSchema = baseConfigSchema.extend({
  CARRIER_SANDBOX_URL: z.url({ protocol: /^https?$/ }),
  CARRIER_TIMEOUT_MS: z.coerce.number().int().min(100).max(60000).default(3000),
  /** Seeds the sandbox carrier's webhook secret on first start only (later changes go through carrier.configure.v1). */
  SANDBOX_CARRIER_WEBHOOK_SECRET: z.string().min(16).max(200).optional(),
  /**
   * A JSON file of carriers to create on first start (an array of `{ id, name, kind, trackingPrefix, tariff }`,
   * docs/carriers.md); a carrier that exists is left as ops configured it. The dev stack seeds two.
   */
  CARRIERS_FILE: z.string().min(1).optional(),
  /** Rate shopping: the longest transit per shipping method, as JSON (`{"express":1,"standard":5,"default":5}`). */
  SHIPPING_PROMISE_DAYS: jsonTable(z.record(z.string(), z.number().int().min(0).max(60)), DEFAULT_PROMISE_DAYS, 'a table of days per shipping method'),
  /**
   * RabbitMQ's HTTP management API with the credentials of a user tagged `administrator` (or one allowed to
   * manage users, queues and permissions of the vhost), e.g. `http://oms-admin:secret@rabbitmq:15672`: for
   * PUT /v1/partners/{id} (docs/partners.md). Unset: partners are provisioned by manifests, and the API says so.
   */
  RABBITMQ_MANAGEMENT_URL: z.url({ protocol: /^https?$/ }).optional(),
  RABBITMQ_MANAGEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).max(60000).default(5000),
  /** How often the scans of parcels with carriers whose tracking is polled (`tracking: "poll"`) are asked for. */
  TRACKING_POLL_MS: z.coerce
    .number()
    .int()
    .min(100)
    .default(5 * 60 * 1000),
  /** The sender printed on labels, above the ship-from location. */
  LABEL_SENDER: z.string().min(1).max(100).default('OMS Fulfillment'),
});
export type CarrierConfig = z.infer<typeof configSchema>;
